//! float16 ↔ float32, so float16 tensors run through the f32 kernels.

/// Widens IEEE half-precision bits to f32 (exact).
pub fn widen(h: u16) -> f32 {
    let sign = ((h as u32) & 0x8000) << 16;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let bits = match exp {
        0 => {
            // Zero or subnormal: man · 2^-24, exact in f32.
            let v = man as f32 * f32::from_bits(0x3380_0000);
            return if sign != 0 { -v } else { v };
        }
        31 => sign | 0x7f80_0000 | (man << 13),
        _ => sign | ((exp + 112) << 23) | (man << 13),
    };
    f32::from_bits(bits)
}

/// Narrows f32 to half-precision bits, rounding to nearest even.
pub fn narrow(f: f32) -> u16 {
    let x = f.to_bits();
    let sign = ((x >> 16) & 0x8000) as u16;
    let exp = ((x >> 23) & 0xff) as i32;
    let man = x & 0x7f_ffff;
    if exp == 255 {
        return sign | 0x7c00 | if man != 0 { 0x200 } else { 0 };
    }
    let e = exp - 127 + 15;
    if e >= 31 {
        return sign | 0x7c00;
    }
    if e <= 0 {
        if e < -10 {
            return sign;
        }
        return sign | round_shift(man | 0x80_0000, (14 - e) as u32) as u16;
    }
    // A carry out of the mantissa lands in the exponent, which is the right result.
    sign | round_shift(((e as u32) << 23) | man, 13) as u16
}

/// v >> shift, rounded to nearest even.
fn round_shift(v: u32, shift: u32) -> u32 {
    let half = 1 << (shift - 1);
    let rem = v & ((1 << shift) - 1);
    let r = v >> shift;
    if rem > half || (rem == half && r & 1 != 0) {
        r + 1
    } else {
        r
    }
}

/// Widens a float16 slice into an f32 one of the same length.
pub fn widen_all(src: &[u16], dst: &mut [f32]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = widen(s);
    }
}

/// Narrows an f32 slice into a float16 one of the same length.
pub fn narrow_all(src: &[f32], dst: &mut [u16]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = narrow(s);
    }
}
