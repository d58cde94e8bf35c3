//! IEEE half precision, the storage type of float16 tensors, shared by every family.
//! Arithmetic on it goes through f32, which holds every f16 value exactly.

/// A float16 value as its raw bits.
#[derive(Clone, Copy, Default, Debug)]
#[repr(transparent)]
pub struct F16(pub u16);

impl F16 {
    /// The exact f32 value.
    #[inline]
    pub fn to_f32(self) -> f32 {
        let h = self.0 as u32;
        let sign = (h & 0x8000) << 16;
        let exp = (h >> 10) & 0x1f;
        let man = h & 0x3ff;
        match exp {
            // Subnormal: man · 2^-24, exact in f32.
            0 => f32::from_bits(sign | (man as f32 * f32::from_bits(0x3380_0000)).to_bits()),
            0x1f => f32::from_bits(sign | 0x7f80_0000 | (man << 13)),
            _ => f32::from_bits(sign | ((exp + 112) << 23) | (man << 13)),
        }
    }

    /// The nearest f16 (ties to even; overflow gives infinity, NaN a quiet NaN keeping the
    /// top payload bits, as hardware conversions do). The common normal case is a few
    /// integer operations; subnormal results let the f32 adder do the rounding.
    #[inline]
    pub fn from_f32(x: f32) -> F16 {
        let bits = x.to_bits();
        let sign = ((bits >> 16) & 0x8000) as u16;
        let abs = bits & 0x7fff_ffff;
        let h = if abs >= 0x4780_0000 {
            // 2^16 and beyond: infinity, or NaN kept quiet.
            if abs > 0x7f80_0000 {
                0x7e00 | ((abs >> 13) & 0x3ff)
            } else {
                0x7c00
            }
        } else if abs < 0x3880_0000 {
            // Below 2^-14: adding 0.5 aligns the f16 subnormal units with f32's last
            // mantissa bits, and the addition rounds to nearest even.
            let half = f32::from_bits(0x3f00_0000);
            (f32::from_bits(abs) + half).to_bits() - half.to_bits()
        } else {
            // Re-bias the exponent, round the 13 dropped bits to nearest even; a carry may
            // reach infinity, which is right.
            let odd = (abs >> 13) & 1;
            (abs - (112 << 23) + 0xfff + odd) >> 13
        };
        F16(sign | h as u16)
    }

    /// The nearest f16 rounded once from f64 (no double rounding through f32).
    #[inline]
    pub fn from_f64(x: f64) -> F16 {
        F16(narrow(x.to_bits()))
    }
}

impl PartialEq for F16 {
    fn eq(&self, other: &Self) -> bool {
        self.to_f32() == other.to_f32()
    }
}

impl PartialOrd for F16 {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        self.to_f32().partial_cmp(&other.to_f32())
    }
}

/// Rounds f64 `bits` to the nearest f16 bits, ties to even.
#[inline]
fn narrow(bits: u64) -> u16 {
    const MAN: u32 = 52;
    const BIAS: u64 = 1023;
    let sign = ((bits >> 48) & 0x8000) as u16;
    let abs = bits & !(1u64 << 63);
    let exp = abs >> MAN;
    if exp == 0x7ff {
        // Infinity stays infinity; NaN stays a quiet NaN with its top payload bits.
        return sign
            | if abs << 12 != 0 {
                0x7e00 | ((abs >> 42) & 0x3ff) as u16
            } else {
                0x7c00
            };
    }
    if exp >= BIAS + 16 {
        return sign | 0x7c00;
    }
    if exp + 14 < BIAS {
        // Below 2^-14: an f16 subnormal, counting units of 2^-24.
        if exp + 25 < BIAS {
            return sign; // below 2^-25: rounds to zero
        }
        let mantissa = (abs & ((1u64 << MAN) - 1)) | (1u64 << MAN);
        return sign | round_shift(mantissa, (BIAS - 24 + MAN as u64 - exp) as u32) as u16;
    }
    // Normal: re-bias the exponent and drop mantissa bits; a carry may reach infinity.
    sign | round_shift(abs - ((BIAS - 15) << MAN), MAN - 10) as u16
}

/// `v >> shift` rounded to nearest, ties to even (`shift` ≥ 1).
#[inline]
fn round_shift(v: u64, shift: u32) -> u64 {
    let q = v >> shift;
    let rem = v & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    q + (rem > half || (rem == half && q & 1 == 1)) as u64
}

/// Widens a float16 slice into an f32 one (pairs up to the shorter length).
pub fn widen_all(src: &[F16], dst: &mut [f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = s.to_f32();
    }
}

/// Narrows an f32 slice into a float16 one (pairs up to the shorter length).
pub fn narrow_all(src: &[f32], dst: &mut [F16]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = F16::from_f32(s);
    }
}
