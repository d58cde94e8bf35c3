//! Hyperbolic functions and their inverses.
use super::{exp, expm1, ln, log1p, sqrt, LN2};

/// Beyond this, x² + 1 rounds to x² and the inverses reduce to ln(2x).
const BIG: f64 = 268435456.0; // 2^28

pub fn sinh(x: f64) -> f64 {
    let a = x.abs();
    let r = if a < 22.0 {
        let t = expm1(a); // e^a - e^-a = t + t/(t+1): keeps precision near zero
        0.5 * (t + t / (t + 1.0))
    } else {
        half_exp(a)
    };
    r.copysign(x)
}

pub fn cosh(x: f64) -> f64 {
    let a = x.abs();
    if a < 22.0 {
        let e = exp(a);
        0.5 * (e + 1.0 / e)
    } else {
        half_exp(a)
    }
}

/// e^a / 2 without overflowing before the true result does.
fn half_exp(a: f64) -> f64 {
    let h = exp(0.5 * a);
    0.5 * h * h
}

pub fn tanh(x: f64) -> f64 {
    let a = x.abs();
    let r = if a > 22.0 {
        1.0
    } else {
        let t = expm1(2.0 * a);
        t / (t + 2.0)
    };
    r.copysign(x)
}

pub fn asinh(x: f64) -> f64 {
    let a = x.abs();
    let r = if a > BIG {
        ln(a) + LN2
    } else if a > 2.0 {
        ln(2.0 * a + 1.0 / (sqrt(a * a + 1.0) + a))
    } else {
        let a2 = a * a;
        log1p(a + a2 / (1.0 + sqrt(1.0 + a2)))
    };
    r.copysign(x)
}

pub fn acosh(x: f64) -> f64 {
    if !(x >= 1.0) {
        f64::NAN
    } else if x > BIG {
        ln(x) + LN2
    } else if x > 2.0 {
        ln(2.0 * x - 1.0 / (x + sqrt(x * x - 1.0)))
    } else {
        let t = x - 1.0;
        log1p(t + sqrt(2.0 * t + t * t))
    }
}

pub fn atanh(x: f64) -> f64 {
    let a = x.abs();
    (0.5 * log1p(2.0 * a / (1.0 - a))).copysign(x)
}
