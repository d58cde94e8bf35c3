//! Conversions between the storage types the nn ops accept (float16, float64) and their
//! f32 compute type, so one f32 kernel serves every floating-point input.

/// The f32 value of IEEE half-precision bits.
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let sign_bit = u32::from(h & 0x8000) << 16;
    match exp {
        // Subnormal (or zero): man · 2^-24.
        0 => sign * man as f32 * (1.0 / 16_777_216.0),
        0x1f => f32::from_bits(sign_bit | 0x7f80_0000 | (man << 13)),
        _ => f32::from_bits(sign_bit | ((exp + 112) << 23) | (man << 13)),
    }
}

/// The nearest half-precision bits of an f32 (ties to even; overflow to infinity).
pub fn f32_to_f16(x: f32) -> u16 {
    let b = x.to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    let exp = ((b >> 23) & 0xff) as i32;
    let man = b & 0x007f_ffff;
    if exp == 0xff {
        let nan = if man != 0 {
            0x0200 | (man >> 13) as u16
        } else {
            0
        };
        return sign | 0x7c00 | nan;
    }
    let e = exp - 127 + 15;
    if e >= 31 {
        return sign | 0x7c00;
    }
    let (value, shift) = if e <= 0 {
        if e < -10 {
            return sign;
        }
        // Subnormal: the implicit bit joins the mantissa, shifted into 2^-24 units.
        (man | 0x0080_0000, (14 - e) as u32)
    } else {
        (((e as u32) << 23) | man, 13)
    };
    let half = 1u32 << (shift - 1);
    let rem = value & ((1 << shift) - 1);
    let mut r = value >> shift;
    if rem > half || (rem == half && r & 1 == 1) {
        r += 1; // A carry into the exponent is the correct rounding, up to infinity.
    }
    sign | r as u16
}

/// Widens half-precision bits to f32, element by element.
pub fn widen_f16(src: &[u16], dst: &mut [f32]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = f16_to_f32(s);
    }
}

/// Narrows f32 to half-precision bits, element by element.
pub fn narrow_f16(src: &[f32], dst: &mut [u16]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = f32_to_f16(s);
    }
}

/// Rounds f64 to f32, element by element.
pub fn narrow_f64(src: &[f64], dst: &mut [f32]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = s as f32;
    }
}

/// Widens f32 to f64, element by element.
pub fn widen_f32(src: &[f32], dst: &mut [f64]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = f64::from(s);
    }
}
