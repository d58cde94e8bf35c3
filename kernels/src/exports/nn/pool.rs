//! Raw exports of the pooling kernels.
use super::{product, sizes, BAD_ARGS};
use crate::exports::{dst, src, OK};
use crate::pool::{self, MaxElem, PoolGeom};

/// Decodes `[planes, input×3, output×3, kernel×3, strides×3, dilations×3, pads×3,
/// pads_end×3]` (spatial axes depth, height, width; absent ones 1, pads 0).
fn geom(d: &[i32]) -> Option<PoolGeom> {
    let v = sizes::<22>(d)?;
    let three = |i: usize| [v[i], v[i + 1], v[i + 2]];
    let g = PoolGeom {
        planes: v[0],
        input: three(1),
        output: three(4),
        kernel: three(7),
        strides: three(10),
        dilations: three(13),
        pads: three(16),
        pads_end: three(19),
    };
    v[..16].iter().all(|&x| x > 0).then_some(g)
}

/// The geometry when X and Y hold exactly its element counts.
fn checked(desc: &[i32], x_len: usize, y_len: usize) -> Option<PoolGeom> {
    let g = geom(desc)?;
    let x = product(&[g.planes, product(&g.input)?])?;
    let y = product(&[g.planes, product(&g.output)?])?;
    (x == x_len && y == y_len).then_some(g)
}

/// Max pooling of any [`MaxElem`] type.
///
/// # Safety
/// As for the exports below.
unsafe fn max_pool<T: MaxElem>(
    desc: (*const i32, usize),
    x: (*const T, usize),
    y: (*mut T, usize),
    indices: (*mut i64, usize),
    column_major: i32,
) -> i32 {
    // SAFETY: forwarded from the export's contract.
    let (desc, x, y, indices) = unsafe {
        (
            src(desc.0, desc.1),
            src(x.0, x.1),
            dst(y.0, y.1),
            dst(indices.0, indices.1),
        )
    };
    let Some(g) = checked(desc, x.len(), y.len()) else {
        return BAD_ARGS;
    };
    if !(indices.is_empty() || indices.len() == y.len()) {
        return BAD_ARGS;
    }
    pool::max_pool(
        &g,
        x,
        y,
        (!indices.is_empty()).then_some(indices),
        column_major != 0,
    );
    OK
}

macro_rules! max_pool_export {
    ($name:ident, $t:ty) => {
        /// Max pooling; `indices_len` 0 skips the argmax output.
        ///
        /// # Safety
        /// `desc` holds `desc_len` i32 (see `geom`); `x`, `y` and `indices` hold the given
        /// counts; `y` and `indices` are writable and alias nothing else.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)] // A C ABI: one argument per buffer and length.
        pub unsafe extern "C" fn $name(
            desc: *const i32,
            desc_len: usize,
            x: *const $t,
            x_len: usize,
            y: *mut $t,
            y_len: usize,
            indices: *mut i64,
            indices_len: usize,
            column_major: i32,
        ) -> i32 {
            // SAFETY: the caller upholds this export's contract, which is max_pool's.
            unsafe {
                max_pool::<$t>(
                    (desc, desc_len),
                    (x, x_len),
                    (y, y_len),
                    (indices, indices_len),
                    column_major,
                )
            }
        }
    };
}

max_pool_export!(maxpool_f32, f32);
max_pool_export!(maxpool_f64, f64);
max_pool_export!(maxpool_i8, i8);
max_pool_export!(maxpool_u8, u8);

/// # Safety
/// `desc` holds `desc_len` i32 (see `geom`); `x` and `y` hold the given f32 counts; `y`
/// is writable and aliases nothing else.
#[no_mangle]
pub unsafe extern "C" fn avgpool_f32(
    desc: *const i32,
    desc_len: usize,
    x: *const f32,
    x_len: usize,
    y: *mut f32,
    y_len: usize,
    count_include_pad: i32,
) -> i32 {
    // SAFETY: pointers and lengths come from the caller's tensors.
    let (desc, x, y) = unsafe { (src(desc, desc_len), src(x, x_len), dst(y, y_len)) };
    let Some(g) = checked(desc, x.len(), y.len()) else {
        return BAD_ARGS;
    };
    pool::avg_pool(&g, x, y, count_include_pad != 0);
    OK
}

/// # Safety
/// As for [`avgpool_f32`].
#[no_mangle]
pub unsafe extern "C" fn lppool_f32(
    desc: *const i32,
    desc_len: usize,
    x: *const f32,
    x_len: usize,
    y: *mut f32,
    y_len: usize,
    p: f32,
) -> i32 {
    // SAFETY: pointers and lengths come from the caller's tensors.
    let (desc, x, y) = unsafe { (src(desc, desc_len), src(x, x_len), dst(y, y_len)) };
    let Some(g) = checked(desc, x.len(), y.len()) else {
        return BAD_ARGS;
    };
    pool::lp_pool(&g, x, y, f64::from(p));
    OK
}

/// The plane size of a global pooling of `x_len` elements into `y_len` planes.
fn plane(x_len: usize, y_len: usize) -> Option<usize> {
    (y_len > 0 && x_len % y_len == 0 && x_len > 0).then(|| x_len / y_len)
}

/// Mean of each plane: `y_len` planes of `x_len / y_len` elements.
///
/// # Safety
/// `x` and `y` hold the given f32 counts; `y` is writable and aliases nothing else.
#[no_mangle]
pub unsafe extern "C" fn global_avgpool_f32(
    x: *const f32,
    x_len: usize,
    y: *mut f32,
    y_len: usize,
) -> i32 {
    // SAFETY: pointers and lengths come from the caller's tensors.
    let (x, y) = unsafe { (src(x, x_len), dst(y, y_len)) };
    let Some(size) = plane(x.len(), y.len()) else {
        return BAD_ARGS;
    };
    pool::global_avg(x, y, size);
    OK
}

/// Global max pooling of any [`MaxElem`] type.
///
/// # Safety
/// As for the exports below.
unsafe fn global_max<T: MaxElem>(x: *const T, x_len: usize, y: *mut T, y_len: usize) -> i32 {
    // SAFETY: forwarded from the export's contract.
    let (x, y) = unsafe { (src(x, x_len), dst(y, y_len)) };
    let Some(size) = plane(x.len(), y.len()) else {
        return BAD_ARGS;
    };
    pool::global_max(x, y, size);
    OK
}

/// Max of each plane: `y_len` planes of `x_len / y_len` elements.
///
/// # Safety
/// `x` and `y` hold the given f32 counts; `y` is writable and aliases nothing else.
#[no_mangle]
pub unsafe extern "C" fn global_maxpool_f32(
    x: *const f32,
    x_len: usize,
    y: *mut f32,
    y_len: usize,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { global_max(x, x_len, y, y_len) }
}

/// As [`global_maxpool_f32`] for f64.
///
/// # Safety
/// As for [`global_maxpool_f32`], with f64 elements.
#[no_mangle]
pub unsafe extern "C" fn global_maxpool_f64(
    x: *const f64,
    x_len: usize,
    y: *mut f64,
    y_len: usize,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { global_max(x, x_len, y, y_len) }
}
