//! Numpy broadcasting as the host plans it: the output's dims (with size-1 dims dropped
//! and mergeable neighbours merged) and, per operand, element strides that are 0 along
//! the dims it repeats. The output is walked row by row (its innermost dim); each
//! operand contributes a run of elements or one element repeated.

/// A broadcast of `K` operands into a contiguous output.
pub struct Broadcast<'a, const K: usize> {
    dims: &'a [i32],
    strides: [&'a [i32]; K],
}

/// One operand's part of an output row.
#[derive(Clone, Copy)]
pub enum Row<'a, T> {
    Run(&'a [T]),
    Splat(T),
}

impl<T: Copy> Row<'_, T> {
    /// The element at `i` of the row.
    #[inline(always)]
    pub fn at(&self, i: usize) -> T {
        match self {
            Row::Run(s) => s[i],
            Row::Splat(v) => *v,
        }
    }
}

impl<'a, const K: usize> Broadcast<'a, K> {
    /// Reads a plan laid out as `[dims; rank]` then `[strides; rank]` per operand.
    /// `None` when `plan` is not that long or `rank` is 0.
    pub fn new(plan: &'a [i32], rank: usize) -> Option<Self> {
        if rank == 0 || plan.len() != rank * (K + 1) {
            return None;
        }
        let mut strides = [&plan[..0]; K];
        for (k, s) in strides.iter_mut().enumerate() {
            *s = &plan[rank * (k + 1)..rank * (k + 2)];
        }
        Some(Broadcast {
            dims: &plan[..rank],
            strides,
        })
    }

    /// Whether walking this plan stays inside operands of `lens` elements and an output of
    /// `out` elements, so that no index in the walk can fail.
    pub fn fits(&self, lens: [usize; K], out: usize) -> bool {
        let inner = self.dims.len() - 1;
        let mut size = 1usize;
        for &d in self.dims {
            match usize::try_from(d).ok().and_then(|d| size.checked_mul(d)) {
                Some(s) => size = s,
                None => return false,
            }
        }
        if size != out {
            return false;
        }
        size == 0
            || self.strides.iter().zip(lens).all(|(s, len)| {
                let reach = s.iter().zip(self.dims).try_fold(1usize, |acc, (&s, &d)| {
                    let s = usize::try_from(s).ok()?;
                    acc.checked_add(s.checked_mul(d as usize - 1)?)
                });
                s[inner] <= 1 && reach.is_some_and(|r| r <= len)
            })
    }

    /// Calls `row(offsets, out_offset, len)` for each output row, in order.
    pub fn for_each_row(&self, mut row: impl FnMut([usize; K], usize, usize)) {
        if self.dims.contains(&0) {
            return;
        }
        let len = self.dims[self.dims.len() - 1] as usize;
        let mut out = 0;
        self.walk(0, [0; K], len, &mut out, &mut row);
    }

    fn walk(
        &self,
        axis: usize,
        offsets: [usize; K],
        len: usize,
        out: &mut usize,
        row: &mut impl FnMut([usize; K], usize, usize),
    ) {
        if axis + 1 == self.dims.len() {
            row(offsets, *out, len);
            *out += len;
            return;
        }
        for i in 0..self.dims[axis] as usize {
            let mut o = offsets;
            for (k, o) in o.iter_mut().enumerate() {
                *o += i * self.strides[k][axis] as usize;
            }
            self.walk(axis + 1, o, len, out, row);
        }
    }

    /// Operand `k`'s part of the row at `offset`.
    #[inline(always)]
    pub fn row<T: Copy>(&self, k: usize, data: &'a [T], offset: usize, len: usize) -> Row<'a, T> {
        if self.strides[k][self.dims.len() - 1] == 0 {
            Row::Splat(data[offset])
        } else {
            Row::Run(&data[offset..offset + len])
        }
    }
}

/// Walks two operands into `y`, one row at a time.
pub fn zip2<A: Copy, B: Copy, Y>(
    plan: &Broadcast<2>,
    a: &[A],
    b: &[B],
    y: &mut [Y],
    mut rows: impl FnMut(Row<A>, Row<B>, &mut [Y]),
) {
    plan.for_each_row(|[oa, ob], oy, len| {
        rows(
            plan.row(0, a, oa, len),
            plan.row(1, b, ob, len),
            &mut y[oy..oy + len],
        );
    });
}

/// y[i] = f(a[i], b[i]) over one row, with a loop per operand kind so each compiles
/// to a tight (auto-vectorizable) loop.
#[inline(always)]
pub fn zip_row<A: Copy, B: Copy, Y: Copy>(
    a: Row<A>,
    b: Row<B>,
    y: &mut [Y],
    f: impl Fn(A, B) -> Y,
) {
    match (a, b) {
        (Row::Run(a), Row::Run(b)) => {
            for ((y, &a), &b) in y.iter_mut().zip(a).zip(b) {
                *y = f(a, b);
            }
        }
        (Row::Run(a), Row::Splat(b)) => {
            for (y, &a) in y.iter_mut().zip(a) {
                *y = f(a, b);
            }
        }
        (Row::Splat(a), Row::Run(b)) => {
            for (y, &b) in y.iter_mut().zip(b) {
                *y = f(a, b);
            }
        }
        (Row::Splat(a), Row::Splat(b)) => y.fill(f(a, b)),
    }
}
