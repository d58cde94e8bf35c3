//! IEEE half precision: the storage type of float16 tensors. Arithmetic on it goes
//! through f32, which holds every f16 value exactly.

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

    /// The nearest f16 (ties to even; overflow gives infinity).
    #[inline]
    pub fn from_f32(x: f32) -> F16 {
        F16(narrow(x.to_bits() as u64, 23, 127, 32))
    }

    /// The nearest f16 rounded once from f64 (no double rounding through f32).
    #[inline]
    pub fn from_f64(x: f64) -> F16 {
        F16(narrow(x.to_bits(), 52, 1023, 64))
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

/// Rounds the binary float with `man` mantissa bits, exponent `bias` and `width` total
/// bits, given as `bits`, to the nearest f16 bits, ties to even.
#[inline]
fn narrow(bits: u64, man: u32, bias: u64, width: u32) -> u16 {
    let sign = ((bits >> (width - 16)) & 0x8000) as u16;
    let abs = bits & ((1u64 << (width - 1)) - 1);
    let exp_all = (1u64 << (width - 1 - man)) - 1;
    let exp = abs >> man;
    if exp == exp_all {
        // Infinity stays infinity; NaN stays a (quiet) NaN with its top payload bits.
        let nan = if abs & ((1u64 << man) - 1) != 0 { 0x200 | (abs >> (man - 10)) as u16 } else { 0 };
        return sign | 0x7c00 | (nan & 0x3ff);
    }
    if exp >= bias + 16 {
        return sign | 0x7c00;
    }
    if exp + 14 < bias {
        // Below 2^-14: an f16 subnormal, counting units of 2^-24.
        if exp + 25 < bias {
            return sign; // Below 2^-25: rounds to zero.
        }
        let mantissa = (abs & ((1u64 << man) - 1)) | (1u64 << man);
        let shift = (bias - 24 + man as u64 - exp) as u32;
        return sign | round_shift(mantissa, shift) as u16;
    }
    // Normal: re-bias the exponent and drop mantissa bits; a carry may reach infinity.
    let rebased = abs - ((bias - 15) << man);
    sign | round_shift(rebased, man - 10) as u16
}

/// `v >> shift` rounded to nearest, ties to even (`shift` ≥ 1).
#[inline]
fn round_shift(v: u64, shift: u32) -> u64 {
    let q = v >> shift;
    let rem = v & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    q + (rem > half || (rem == half && q & 1 == 1)) as u64
}
