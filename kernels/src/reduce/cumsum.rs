//! CumSum over an [outer, n, inner] block, for every element type.
use super::elem::Elem;

/// Running sums along the axis; `exclusive` leaves each element out of its own sum,
/// `reverse` runs from the end.
pub fn cumsum<T: Elem>(x: &[T], y: &mut [T], dims: [usize; 3], exclusive: bool, reverse: bool) {
    let [outer, n, inner] = dims;
    let block = n * inner;
    if block == 0 {
        return;
    }
    for o in 0..outer {
        let (xs, ys) = (
            &x[o * block..(o + 1) * block],
            &mut y[o * block..(o + 1) * block],
        );
        if inner == 1 {
            scan(xs, ys, exclusive, reverse);
        } else {
            scan_rows(xs, ys, inner, exclusive, reverse);
        }
    }
}

/// Running sum of one contiguous row.
fn scan<T: Elem>(x: &[T], y: &mut [T], exclusive: bool, reverse: bool) {
    let mut acc = T::ZERO;
    let mut step = |v: T, out: &mut T| {
        let before = acc;
        acc = acc.add(v);
        *out = if exclusive { before } else { acc };
    };
    if reverse {
        x.iter()
            .zip(y.iter_mut())
            .rev()
            .for_each(|(&v, out)| step(v, out));
    } else {
        x.iter()
            .zip(y.iter_mut())
            .for_each(|(&v, out)| step(v, out));
    }
}

/// Running sums down n rows of `inner`, whole rows at a time: each output row is the
/// previous one plus an input row.
fn scan_rows<T: Elem>(x: &[T], y: &mut [T], inner: usize, exclusive: bool, reverse: bool) {
    let n = x.len() / inner;
    let row = |k: usize| if reverse { n - 1 - k } else { k };
    for k in 0..n {
        let r = row(k);
        let cur = r * inner..(r + 1) * inner;
        if k == 0 {
            let first = &mut y[cur.clone()];
            if exclusive {
                first.fill(T::ZERO);
            } else {
                first.copy_from_slice(&x[cur]);
            }
            continue;
        }
        let p = row(k - 1);
        let add = if exclusive { p } else { r };
        let (prev, out) = if p < r {
            let (lo, hi) = y.split_at_mut(r * inner);
            (&lo[p * inner..(p + 1) * inner], &mut hi[..inner])
        } else {
            let (lo, hi) = y.split_at_mut(p * inner);
            (&hi[..inner], &mut lo[r * inner..(r + 1) * inner])
        };
        let xs = &x[add * inner..(add + 1) * inner];
        for ((o, &a), &b) in out.iter_mut().zip(prev).zip(xs) {
            *o = a.add(b);
        }
    }
}
