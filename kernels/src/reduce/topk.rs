//! TopK along one axis: the k largest (or smallest) elements of each column, sorted, ties
//! to the lower index, NaN above every number.
use super::elem::{total_cmp, Elem};
use super::fold::column;
use core::cmp::Ordering;

/// Where TopK writes: `values` and `indices` are [outer, k, inner].
pub struct TopK<'a, T> {
    pub values: &'a mut [T],
    pub indices: &'a mut [i64],
    pub k: usize,
    pub largest: bool,
}

/// One candidate: a value and its index along the axis.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Entry<T> {
    pub value: T,
    pub index: u32,
}

/// Below this k, a column streams through a sorted top-k buffer (most elements take one
/// comparison); above, the whole column is selected and sorted.
const STREAM_K: usize = 128;

/// Selects and sorts the top k of every column; `scratch` holds n entries.
pub fn topk<T: Elem>(x: &[T], dims: [usize; 3], out: &mut TopK<T>, scratch: &mut [Entry<T>]) {
    let [outer, n, inner] = dims;
    let (k, largest, scratch) = (out.k, out.largest, &mut scratch[..n]);
    if k == 0 {
        return;
    }
    // Better first: by value, then by lower index.
    let cmp = |a: &Entry<T>, b: &Entry<T>| -> Ordering {
        let c = total_cmp(a.value, b.value);
        (if largest { c.reverse() } else { c }).then(a.index.cmp(&b.index))
    };
    for o in 0..outer {
        for i in 0..inner {
            let top = if inner == 1 {
                // Contiguous rows iterate much faster than strided columns.
                best_k(x[o * n..(o + 1) * n].iter().copied(), k, scratch, cmp)
            } else {
                best_k(column(x, o * n * inner + i, inner, n), k, scratch, cmp)
            };
            for (j, e) in top.iter().enumerate() {
                let dst = o * k * inner + j * inner + i;
                out.values[dst] = e.value;
                out.indices[dst] = e.index as i64;
            }
        }
    }
}

/// The best k of n values, sorted, in `scratch` (n entries).
fn best_k<T: Elem>(
    values: impl Iterator<Item = T>,
    k: usize,
    scratch: &mut [Entry<T>],
    cmp: impl Fn(&Entry<T>, &Entry<T>) -> Ordering,
) -> &[Entry<T>] {
    let n = scratch.len();
    let entries = values.enumerate().map(|(r, value)| Entry {
        value,
        index: r as u32,
    });
    if k <= STREAM_K && k < n {
        stream_top(entries, &mut scratch[..k], cmp)
    } else {
        select_top(entries, scratch, k, cmp)
    }
}

/// The best `top.len()` entries, sorted, kept in `top` while the rest stream past.
fn stream_top<T: Elem>(
    mut entries: impl Iterator<Item = Entry<T>>,
    top: &mut [Entry<T>],
    cmp: impl Fn(&Entry<T>, &Entry<T>) -> Ordering,
) -> &[Entry<T>] {
    let k = top.len();
    top.iter_mut().zip(&mut entries).for_each(|(t, e)| *t = e);
    top.sort_unstable_by(&cmp);
    for e in entries {
        if cmp(&e, &top[k - 1]) == Ordering::Less {
            let at = top.partition_point(|t| cmp(t, &e) == Ordering::Less);
            top.copy_within(at..k - 1, at + 1);
            top[at] = e;
        }
    }
    top
}

/// The best k of all entries, sorted, by selection then sorting the first k.
fn select_top<T: Elem>(
    entries: impl Iterator<Item = Entry<T>>,
    all: &mut [Entry<T>],
    k: usize,
    cmp: impl Fn(&Entry<T>, &Entry<T>) -> Ordering,
) -> &[Entry<T>] {
    all.iter_mut().zip(entries).for_each(|(a, e)| *a = e);
    if k < all.len() {
        all.select_nth_unstable_by(k - 1, &cmp);
    }
    all[..k].sort_unstable_by(&cmp);
    &all[..k]
}
