//! Power and the error function.
use super::{exp, floor, ln};

/// x^y with C99's special cases (NaN, zeros, infinities, negative bases).
pub fn pow(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if x.is_nan() || y.is_nan() {
        return x + y;
    }
    let ax = x.abs();
    if y.is_infinite() {
        return if ax == 1.0 {
            1.0
        } else if (ax < 1.0) == (y > 0.0) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let integral = floor(y) == y;
    if x < 0.0 && !integral {
        return f64::NAN;
    }
    let odd = integral && floor(0.5 * y) != 0.5 * y;
    let mag = if ax == 0.0 || ax.is_infinite() {
        if (ax == 0.0) == (y < 0.0) {
            f64::INFINITY
        } else {
            0.0
        }
    } else if integral && y.abs() <= 64.0 {
        powi(ax, y)
    } else {
        exp(y * ln(ax))
    };
    if odd && x.is_sign_negative() {
        -mag
    } else {
        mag
    }
}

/// x^n for a small integral n by squaring: exact for small results, few roundings.
fn powi(x: f64, n: f64) -> f64 {
    let (mut e, mut b, mut acc) = (n.abs() as u32, x, 1.0);
    while e > 0 {
        if e & 1 == 1 {
            acc *= b;
        }
        b *= b;
        e >>= 1;
    }
    if n < 0.0 {
        1.0 / acc
    } else {
        acc
    }
}

const FRAC_2_SQRT_PI: f64 = 1.1283791670955126;
const FRAC_1_SQRT_PI: f64 = 0.5641895835477563;

/// The error function; beyond |x| = 6 it rounds to ±1.
pub fn erf(x: f64) -> f64 {
    let a = x.abs();
    let r = if a < 2.0 {
        erf_series(a)
    } else if a < 6.0 {
        1.0 - erfc_fraction(a)
    } else if a.is_nan() {
        a
    } else {
        1.0
    };
    r.copysign(x)
}

/// e^{-a²}, with a² split exactly so the exponential keeps full precision.
fn exp_neg_square(a: f64) -> f64 {
    let (hi, lo) = square(a);
    exp(-hi) * (1.0 - lo)
}

/// erf a = 2/√π · e^{-a²} · Σ 2^n a^{2n+1} / (2n+1)!!: every term is positive, so the
/// sum loses nothing to cancellation.
fn erf_series(a: f64) -> f64 {
    let t = 2.0 * a * a;
    let (mut term, mut sum, mut k) = (a, a, 3.0);
    while term > sum * 1e-17 {
        term *= t / k;
        sum += term;
        k += 2.0;
    }
    FRAC_2_SQRT_PI * sum * exp_neg_square(a)
}

/// erfc a = e^{-a²}/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))), whose 60 levels
/// reach full precision for a ≥ 2.
fn erfc_fraction(a: f64) -> f64 {
    let mut t = a;
    for k in (1..=60).rev() {
        t = a + 0.5 * k as f64 / t;
    }
    FRAC_1_SQRT_PI * exp_neg_square(a) / t
}

/// a² as hi + lo exactly (Dekker's product).
fn square(a: f64) -> (f64, f64) {
    let c = 134217729.0 * a; // 2^27 + 1 splits a into two 26-bit halves
    let ah = c - (c - a);
    let al = a - ah;
    let hi = a * a;
    (hi, ((ah * ah - hi) + 2.0 * ah * al) + al * al)
}
