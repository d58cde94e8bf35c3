//! One einsum step over at most two operands, from a compiled index plan: a list of loops,
//! each with its size and the stride it moves each operand by. The first `outs` loops
//! walk the output in order; the rest are summed. Diagonals are loops whose stride is the
//! sum of the repeated axes' strides; broadcast axes have stride 0.
use super::elem::Elem;

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
    let (sum_sizes, sum_a, sum_b) = (&plan.sizes[o..], &plan.a[o..], &plan.b[o..]);
    let mut yi = 0;
    walk(&plan.sizes[..o], &plan.a[..o], &plan.b[..o], |oa, ob| {
        let mut acc = T::ZERO;
        walk(sum_sizes, sum_a, sum_b, |ia, ib| {
            acc = acc.add(a[oa + ia].mul(b[ob + ib]))
        });
        y[yi] = acc;
        yi += 1;
    });
}
