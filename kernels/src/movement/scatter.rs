//! ScatterElements and ScatterND: copy the data, then combine the updates in.
use super::index::{axis_stride, element_walk, Index, TupleSpace};
use super::num::Num;
use super::{wrap_index, Fault};

/// How an update combines with the value already there.
#[derive(Clone, Copy)]
pub enum Reduction {
    None,
    Add,
    Mul,
    Max,
    Min,
}

impl Reduction {
    /// The reduction the TS binding numbers `code`.
    pub fn from_code(code: i32) -> Option<Reduction> {
        use Reduction::*;
        [None, Add, Mul, Max, Min].get(code as usize).copied()
    }

    #[inline(always)]
    fn apply<T: Num>(self, old: T, new: T) -> T {
        match self {
            Reduction::None => new,
            Reduction::Add => old.add(new),
            Reduction::Mul => old.mul(new),
            Reduction::Max => old.max(new),
            Reduction::Min => old.min(new),
        }
    }
}

/// ScatterElements: `upd` and `idx` share the indices' shape.
#[allow(clippy::too_many_arguments)] // the data, its three companions and the walk's shape
pub fn scatter_elements<T: Num, I: Index>(
    data: &[T],
    idx: &[I],
    upd: &[T],
    dst: &mut [T],
    idx_dims: &[usize],
    data_dims: &[usize],
    axis: usize,
    red: Reduction,
) -> Result<(), Fault> {
    let total: usize = idx_dims.iter().product();
    if idx.len() != total || upd.len() != total || data.len() != dst.len() {
        return Err(Fault::Shape);
    }
    if data.len() != data_dims.iter().product() {
        return Err(Fault::Shape);
    }
    dst.copy_from_slice(data);
    let (len, step) = (data_dims[axis], axis_stride(data_dims, axis));
    element_walk(idx_dims, data_dims, axis, |p, base| {
        let o = base + wrap_index(idx[p].get(), len)? * step;
        dst[o] = red.apply(dst[o], upd[p]);
        Ok(())
    })
}

/// ScatterND with `tuples` index tuples, each updating `inner` elements.
#[allow(clippy::too_many_arguments)] // the data, its three companions and the tuple space
pub fn scatter_nd<T: Num, I: Index>(
    data: &[T],
    idx: &[I],
    upd: &[T],
    dst: &mut [T],
    tuples: usize,
    space: &TupleSpace,
    inner: usize,
    red: Reduction,
) -> Result<(), Fault> {
    let k = space.tuple_len();
    if idx.len() != tuples * k
        || upd.len() != tuples * inner
        || data.len() != dst.len()
        || data.len() != space.span
    {
        return Err(Fault::Shape);
    }
    dst.copy_from_slice(data);
    for t in 0..tuples {
        let o = space.offset(&idx[t * k..t * k + k])?;
        for (d, &u) in dst[o..o + inner].iter_mut().zip(&upd[t * inner..]) {
            *d = red.apply(*d, u);
        }
    }
    Ok(())
}
