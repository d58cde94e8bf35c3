//! Movement kernels: strided copies (transpose, slice, expand, concat, pad interiors),
//! gathers and scatters, per-axis index maps (pad modes, nearest resize) and the separable
//! interpolation passes of Resize. Most work on plain bit patterns, so one kernel serves
//! every element type of the same width; scatters, ranges and resizing need arithmetic and
//! take a numeric type.
pub mod copy;
pub mod index;
pub mod num;
pub mod resize;
pub mod scatter;

/// Why a kernel refused its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Shapes, strides or lengths that do not fit the buffers.
    Shape,
    /// An index value outside its axis.
    Index,
}

/// Highest rank the strided kernels accept (Tile doubles a rank-8 tensor's).
pub const MAX_RANK: usize = 16;

/// Resolves a possibly negative index against an axis of `len`.
#[inline(always)]
pub fn wrap_index(i: i64, len: usize) -> Result<usize, Fault> {
    let n = len as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Err(Fault::Index);
    }
    Ok(j as usize)
}

/// Row-major strides of `dims` (elements), into `out`.
pub fn strides_of(dims: &[usize], out: &mut [usize]) {
    let mut s = 1;
    for i in (0..dims.len()).rev() {
        out[i] = s;
        s *= dims[i];
    }
}

/// Converts caller dims to sizes, rejecting negative ones and ranks above `MAX_RANK`.
pub fn dims_of(dims: &[i32], out: &mut [usize; MAX_RANK]) -> Result<usize, Fault> {
    if dims.len() > MAX_RANK {
        return Err(Fault::Shape);
    }
    for (o, &d) in out.iter_mut().zip(dims) {
        *o = usize::try_from(d).map_err(|_| Fault::Shape)?;
    }
    Ok(dims.iter().map(|&d| d as usize).product())
}
