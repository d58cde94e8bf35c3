//! One einsum step over at most two operands, from a compiled index plan: a list of loops,
//! each with its size and the stride it moves each operand by. The first `outs` loops
//! walk the output in order; the rest are summed. Diagonals are loops whose stride is the
//! sum of the repeated axes' strides; broadcast axes have stride 0.
use super::elem::Elem;
use crate::gemm::{gemm, Epilogue, Mat, Out, Shape};

/// Most loops a plan may have.
pub const MAX_LOOPS: usize = 64;

/// The loops of one step.
pub struct Plan<'a> {
    pub sizes: &'a [usize],
    pub a: &'a [usize],
    pub b: &'a [usize],
    pub outs: usize,
}

impl Plan<'_> {
    /// Whether the plan stays inside operands of these lengths and fills `y` exactly.
    pub fn fits(&self, a_len: usize, b_len: usize, y_len: usize) -> bool {
        let r = self.sizes.len();
        if r > MAX_LOOPS || self.a.len() != r || self.b.len() != r || self.outs > r {
            return false;
        }
        let span = |s: &[usize]| -> Option<usize> {
            self.sizes.iter().zip(s).try_fold(0usize, |acc, (&n, &st)| {
                acc.checked_add((n.max(1) - 1).checked_mul(st)?)
            })
        };
        let out: Option<usize> = self.sizes[..self.outs]
            .iter()
            .try_fold(1usize, |p, &n| p.checked_mul(n));
        let empty = self.sizes.contains(&0);
        let inside = |len: usize, s: &[usize]| empty || span(s).is_some_and(|m| m < len);
        out == Some(y_len) && inside(a_len, self.a) && inside(b_len, self.b)
    }
}

/// Calls `f(offset in a, offset in b)` for every index of the loops, in row-major order;
/// the last loop runs as a plain counted loop, the others as an odometer.
fn walk(sizes: &[usize], sa: &[usize], sb: &[usize], mut f: impl FnMut(usize, usize)) {
    let Some(last) = sizes.len().checked_sub(1) else {
        return f(0, 0);
    };
    if sizes.contains(&0) {
        return;
    }
    let mut idx = [0usize; MAX_LOOPS];
    let (mut oa, mut ob) = (0, 0);
    loop {
        for j in 0..sizes[last] {
            f(oa + j * sa[last], ob + j * sb[last]);
        }
        let mut d = last;
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            oa += sa[d];
            ob += sb[d];
            if idx[d] < sizes[d] {
                break;
            }
            oa -= sa[d] * sizes[d];
            ob -= sb[d] * sizes[d];
            idx[d] = 0;
        }
    }
}

/// y[out index] = Σ over the summed loops of a[·]·b[·]. A single operand passes
/// `b = [1]` with zero strides.
pub fn einsum<T: Elem>(a: &[T], b: &[T], y: &mut [T], plan: &Plan) {
    let o = plan.outs;
    // The last summed loop runs as a dot product; the others walk around it.
    let (run, rest) = match plan.sizes.len() - o {
        0 => ((1, 0, 0), o),
        k => {
            let l = o + k - 1;
            ((plan.sizes[l], plan.a[l], plan.b[l]), l)
        }
    };
    let (sum_sizes, sum_a, sum_b) = (&plan.sizes[o..rest], &plan.a[o..rest], &plan.b[o..rest]);
    let mut yi = 0;
    walk(&plan.sizes[..o], &plan.a[..o], &plan.b[..o], |oa, ob| {
        let mut acc = T::ZERO;
        walk(sum_sizes, sum_a, sum_b, |ia, ib| {
            acc = acc.add(dot(a, oa + ia, b, ob + ib, run));
        });
        y[yi] = acc;
        yi += 1;
    });
}

/// Σ a[ia + j·sa]·b[ib + j·sb] for j < n, `run` = (n, sa, sb). Contiguous runs keep four
/// partial sums in flight so the adds do not wait on each other.
#[inline(always)]
fn dot<T: Elem>(a: &[T], ia: usize, b: &[T], ib: usize, run: (usize, usize, usize)) -> T {
    let (n, sa, sb) = run;
    if sa != 1 || sb != 1 || n < 8 {
        return (0..n).fold(T::ZERO, |s, j| s.add(a[ia + j * sa].mul(b[ib + j * sb])));
    }
    let (xs, ys) = (&a[ia..ia + n], &b[ib..ib + n]);
    let mut acc = [T::ZERO; 4];
    for (x, y) in xs.chunks_exact(4).zip(ys.chunks_exact(4)) {
        for l in 0..4 {
            acc[l] = acc[l].add(x[l].mul(y[l]));
        }
    }
    let tail = xs.len() / 4 * 4;
    let rest = xs[tail..]
        .iter()
        .zip(&ys[tail..])
        .fold(T::ZERO, |s, (&x, &y)| s.add(x.mul(y)));
    acc[0].add(acc[1]).add(acc[2].add(acc[3])).add(rest)
}

/// A batch of f32 products y[i] = a[i] · b[i]: a is [batch, m, k], b is [batch, k, n] and
/// y is [batch, m, n], all contiguous, the layout the einsum binding arranges two-operand
/// steps into. `scratch` holds at least the GEMM's [`Shape::scratch_len`].
pub fn batched_gemm(a: &[f32], b: &[f32], y: &mut [f32], dims: [usize; 4], scratch: &mut [f32]) {
    let [batch, m, k, n] = dims;
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        return y.fill(0.0);
    }
    let s = Shape { m, k, n };
    for i in 0..batch {
        let av = Mat {
            data: &a[i * m * k..(i + 1) * m * k],
            rs: k,
            cs: 1,
        };
        let bv = Mat {
            data: &b[i * k * n..(i + 1) * k * n],
            rs: n,
            cs: 1,
        };
        let mut out = Out {
            data: &mut y[i * m * n..(i + 1) * m * n],
            ldc: n,
        };
        gemm(s, &av, &bv, &mut out, &Epilogue::NONE, scratch);
    }
}
