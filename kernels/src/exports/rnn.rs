//! Raw exports of the rnn kernels. All three take the same arguments; inputs and outputs
//! an op does not have, or the node leaves out, are null.
use super::status::{BAD_ACTIVATION, BAD_ARGS, OK, SHORT_SCRATCH};
use super::{dst, src};
use crate::rnn::sequence::{lens_valid, Config, Io, Shape};
use crate::rnn::{gru::gru, lstm::lstm, simple::rnn, Activation};

/// Length of the configuration array: 10 values, then 6 activation codes, alphas and betas.
const CONFIG_LEN: usize = 28;

/// The parsed configuration array `[seq, batch, input, hidden, dirs, reverse, batch_first,
/// flag, has_clip, clip (f32 bits), codes ×6, alphas ×6 (bits), betas ×6 (bits)]`; `flag`
/// is input_forget (LSTM) or linear_before_reset (GRU).
struct Parsed {
    shape: Shape,
    reverse: bool,
    flag: bool,
    clip: Option<f32>,
    acts: [Activation; 6],
}

/// The configuration, or the status naming what is wrong with it.
fn parse(cfg: &[i32], gates: usize) -> Result<Parsed, i32> {
    let mut dims = [0usize; 5];
    for (d, &v) in dims.iter_mut().zip(cfg) {
        *d = usize::try_from(v).map_err(|_| BAD_ARGS)?;
    }
    let [seq, batch, input, hidden, dirs] = dims;
    if dirs != 1 && dirs != 2 {
        return Err(BAD_ARGS);
    }
    let bits = |i: usize| f32::from_bits(cfg[i] as u32);
    let mut acts = [Activation::new(0, 0.0, 0.0).ok_or(BAD_ACTIVATION)?; 6];
    for (i, a) in acts.iter_mut().enumerate() {
        *a = Activation::new(cfg[10 + i], bits(16 + i), bits(22 + i)).ok_or(BAD_ACTIVATION)?;
    }
    Ok(Parsed {
        shape: Shape {
            seq,
            batch,
            input,
            hidden,
            dirs,
            batch_first: cfg[6] != 0,
            gates,
        },
        reverse: cfg[5] != 0,
        flag: cfg[7] != 0,
        clip: (cfg[8] != 0).then(|| bits(9)),
        acts,
    })
}

/// Length of an optional tensor: `len` when given, else 0.
fn opt<T>(p: *const T, len: usize) -> usize {
    if p.is_null() {
        0
    } else {
        len
    }
}

/// The tensors of one call, as the binding passed them.
struct Raw {
    x: *const f32,
    w: *const f32,
    r: *const f32,
    b: *const f32,
    lens: *const i32,
    h0: *const f32,
    c0: *const f32,
    p: *const f32,
    y: *mut f32,
    yh: *mut f32,
    yc: *mut f32,
}

/// The shared body of the three exports.
///
/// # Safety
/// Every non-null pointer of `t` holds the elements its tensor has under the configuration
/// (ONNX shapes for layout 0 or 1); `ws` holds `ws_len` f32 of scratch; outputs alias
/// nothing.
unsafe fn run(
    t: Raw,
    cfg: *const i32,
    ws: *mut f32,
    ws_len: usize,
    gates: usize,
    op: fn(&mut Io, &Config, bool, &mut [f32]),
) -> i32 {
    // SAFETY: `cfg` is CONFIG_LEN i32 the binding wrote; the other lengths follow from it.
    unsafe {
        let p = match parse(src(cfg, CONFIG_LEN), gates) {
            Ok(p) => p,
            Err(status) => return status,
        };
        let s = p.shape;
        let (n, h, d, gh) = (s.batch, s.hidden, s.dirs, s.gh());
        if ws_len < s.workspace_len() {
            return SHORT_SCRATCH;
        }
        let lens = src(t.lens, opt(t.lens, n));
        if !lens_valid(lens, s.seq) {
            return BAD_ARGS;
        }
        let state = d * n * h;
        let mut io = Io {
            x: src(t.x, s.seq * n * s.input),
            w: src(t.w, d * gh * s.input),
            r: src(t.r, d * gh * h),
            b: src(t.b, opt(t.b, d * 2 * gh)),
            lens,
            h0: src(t.h0, opt(t.h0, state)),
            c0: src(t.c0, opt(t.c0, state)),
            p: src(t.p, opt(t.p, d * 3 * h)),
            y: dst(t.y, opt(t.y, s.seq * state)),
            yh: dst(t.yh, opt(t.yh, state)),
            yc: dst(t.yc, opt(t.yc, state)),
        };
        let config = Config {
            shape: s,
            reverse: p.reverse,
            clip: p.clip,
            acts: &p.acts,
        };
        op(&mut io, &config, p.flag, dst(ws, ws_len));
    }
    OK
}

macro_rules! export {
    ($(#[$doc:meta])* $name:ident, $gates:expr, $op:expr) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// See `run`: inputs X, W, R, B, sequence_lens, initial_h, initial_c, P; outputs Y,
        /// Y_h, Y_c (null where absent, and always for what the op lacks).
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            x: *const f32,
            w: *const f32,
            r: *const f32,
            b: *const f32,
            lens: *const i32,
            h0: *const f32,
            c0: *const f32,
            p: *const f32,
            y: *mut f32,
            yh: *mut f32,
            yc: *mut f32,
            cfg: *const i32,
            ws: *mut f32,
            ws_len: usize,
        ) -> i32 {
            let t = Raw { x, w, r, b, lens, h0, c0, p, y, yh, yc };
            // SAFETY: forwarded under the same contract.
            unsafe { run(t, cfg, ws, ws_len, $gates, $op) }
        }
    };
}

export!(
    /// LSTM; the configuration flag is input_forget.
    rnn_lstm_f32, 4, lstm
);
export!(
    /// GRU; the configuration flag is linear_before_reset.
    rnn_gru_f32, 3, gru
);
export!(
    /// The simple RNN; the configuration flag is unused.
    rnn_simple_f32, 1, |io, cfg, _, ws| rnn(io, cfg, ws)
);
