//! What the three recurrent ops share: shapes and both layouts, sequence lengths and
//! directions, the workspace, the input projection and the state bookkeeping.
use super::gemm::{gemm_nt, Mat};
use super::vector::add;
use super::Activation;

/// Sizes and layout of a recurrent op.
#[derive(Clone, Copy)]
pub struct Shape {
    pub seq: usize,
    pub batch: usize,
    pub input: usize,
    pub hidden: usize,
    pub dirs: usize,
    /// layout = 1: X is [batch, seq, input], Y [batch, seq, dirs, hidden], states
    /// [batch, dirs, hidden].
    pub batch_first: bool,
    /// Gates per hidden unit: 4 (LSTM), 3 (GRU) or 1 (RNN).
    pub gates: usize,
}

impl Shape {
    /// Width of the stacked gates.
    pub fn gh(&self) -> usize {
        self.gates * self.hidden
    }

    /// Row of X (and of the input projection) holding time `t` of batch entry `b`.
    pub fn x_row(&self, t: usize, b: usize) -> usize {
        if self.batch_first {
            b * self.seq + t
        } else {
            t * self.batch + b
        }
    }

    /// Offset in Y of hidden vector (t, d, b).
    fn y_at(&self, t: usize, d: usize, b: usize) -> usize {
        let (s, n, dirs, h) = (self.seq, self.batch, self.dirs, self.hidden);
        if self.batch_first {
            ((b * s + t) * dirs + d) * h
        } else {
            ((t * dirs + d) * n + b) * h
        }
    }

    /// Offset in initial and final state tensors of (d, b).
    fn state_at(&self, d: usize, b: usize) -> usize {
        let h = self.hidden;
        if self.batch_first {
            (b * self.dirs + d) * h
        } else {
            (d * self.batch + b) * h
        }
    }

    /// f32 the workspace needs (see [`Workspace`]).
    pub fn workspace_len(&self) -> usize {
        let (s, n, h) = (self.seq, self.batch, self.hidden);
        (s * n + n + 1) * self.gh() + h + 3 * n * h
    }
}

/// Everything an op reads and writes; optional tensors are empty slices when absent.
pub struct Io<'a> {
    pub x: &'a [f32],
    pub w: &'a [f32],
    pub r: &'a [f32],
    pub b: &'a [f32],
    pub lens: &'a [i32],
    pub h0: &'a [f32],
    pub c0: &'a [f32],
    pub p: &'a [f32],
    pub y: &'a mut [f32],
    pub yh: &'a mut [f32],
    pub yc: &'a mut [f32],
}

/// Attributes shared by the three ops.
pub struct Config<'a> {
    pub shape: Shape,
    /// Direction of a one-direction op (two directions are forward then reverse).
    pub reverse: bool,
    pub clip: Option<f32>,
    /// Activations, the op's count per direction.
    pub acts: &'a [Activation],
}

impl Config<'_> {
    /// The directions to run, in output order.
    pub fn directions(&self) -> impl Iterator<Item = (usize, bool)> {
        let (two, reverse) = (self.shape.dirs == 2, self.reverse);
        (0..self.shape.dirs).map(move |d| (d, if two { d == 1 } else { reverse }))
    }
}

/// bias = Wb + Rb of direction d, from B's `[Wb, Rb]` rows of `width` each (when B is given):
/// where both biases are plain addends of the gates they fold into the input projection.
pub fn fold_sum(b: &[f32], d: usize, width: usize, bias: &mut [f32]) {
    if let Some(wr) = b.get(d * 2 * width..(d + 1) * 2 * width) {
        bias.copy_from_slice(&wr[..width]);
        add(bias, &wr[width..]);
    }
}

/// Whether every sequence length lies in 0..=seq.
pub fn lens_valid(lens: &[i32], seq: usize) -> bool {
    lens.iter()
        .all(|&l| usize::try_from(l).is_ok_and(|l| l <= seq))
}

/// Scratch of one direction, reused by the next.
pub struct Workspace<'a> {
    /// Input projections plus folded bias, one gh row per row of X.
    pub xproj: &'a mut [f32],
    /// This step's recurrent projections: batch × gh.
    pub hproj: &'a mut [f32],
    /// Recurrence bias of GRU's hidden gate when it applies before the reset (hidden).
    pub rbh: &'a mut [f32],
    /// Hidden state: batch × hidden.
    pub h: &'a mut [f32],
    /// Cell state (LSTM): batch × hidden.
    pub c: &'a mut [f32],
    /// Reset hidden state (GRU): batch × hidden.
    pub rh: &'a mut [f32],
}

/// One direction of a run: its index, sense, and the state of its steps.
pub struct Direction<'a, 'w> {
    pub d: usize,
    reverse: bool,
    pub shape: Shape,
    lens: &'a [i32],
    /// This direction's recurrence weights R: gh rows of `hidden`.
    r: &'a [f32],
    pub ws: Workspace<'w>,
}

impl<'a, 'w> Direction<'a, 'w> {
    /// Splits `ws`, projects every input row through W (plus the bias `fold` writes into a
    /// gh vector) and loads the initial states.
    pub fn start(
        io: &Io<'a>,
        cfg: &Config,
        (d, reverse): (usize, bool),
        ws: &'w mut [f32],
        fold: impl FnOnce(&mut [f32], &mut [f32]),
    ) -> Direction<'a, 'w> {
        let s = cfg.shape;
        let (gh, h, n) = (s.gh(), s.hidden, s.batch);
        let (xproj, ws) = ws.split_at_mut(s.seq * n * gh);
        let (hproj, ws) = ws.split_at_mut(n * gh);
        let (bias, ws) = ws.split_at_mut(gh);
        let (rbh, ws) = ws.split_at_mut(h);
        let (hs, ws) = ws.split_at_mut(n * h);
        let (c, rh) = ws.split_at_mut(n * h);
        let x = Mat {
            data: io.x,
            rows: s.seq * n,
            cols: s.input,
            stride: s.input,
        };
        let w = Mat {
            data: &io.w[d * gh * s.input..(d + 1) * gh * s.input],
            rows: gh,
            cols: s.input,
            stride: s.input,
        };
        gemm_nt(x, w, xproj, gh);
        bias.fill(0.0);
        rbh.fill(0.0);
        fold(bias, rbh);
        for row in xproj.chunks_exact_mut(gh) {
            add(row, bias);
        }
        load_state(io.h0, &s, d, hs);
        load_state(io.c0, &s, d, c);
        rh.fill(0.0);
        let ws = Workspace {
            xproj,
            hproj,
            rbh,
            h: hs,
            c,
            rh: &mut rh[..n * h],
        };
        Direction {
            d,
            reverse,
            shape: s,
            lens: io.lens,
            r: &io.r[d * gh * h..(d + 1) * gh * h],
            ws,
        }
    }

    /// This direction's slice of a per-direction parameter of `len` values.
    pub fn part<'p>(&self, all: &'p [f32], len: usize) -> &'p [f32] {
        all.get(self.d * len..(self.d + 1) * len).unwrap_or(&[])
    }

    fn len(&self, b: usize) -> usize {
        self.lens.get(b).map_or(self.shape.seq, |&l| l as usize)
    }

    /// Steps to run: the longest sequence.
    pub fn steps(&self) -> usize {
        (0..self.shape.batch)
            .map(|b| self.len(b))
            .max()
            .unwrap_or(0)
    }

    /// hproj (or its columns from `col`, `cols` wide) = source · Rᵀ's matching columns.
    pub fn project(&mut self, source: Source, col: usize, cols: usize) {
        let s = self.shape;
        let (gh, h) = (s.gh(), s.hidden);
        let data: &[f32] = match source {
            Source::Hidden => &*self.ws.h,
            Source::Reset => &*self.ws.rh,
        };
        let a = Mat {
            data,
            rows: s.batch,
            cols: h,
            stride: h,
        };
        let b = Mat {
            data: &self.r[col * h..],
            rows: cols,
            cols: h,
            stride: h,
        };
        gemm_nt(a, b, &mut self.ws.hproj[col..], gh);
    }

    /// The batch entries still running at step `step`, with the time index each reads
    /// (borrowing nothing of the direction, so the loop body may update its state).
    pub fn rows(&self, step: usize) -> impl Iterator<Item = (usize, usize)> + 'a {
        let (lens, seq, reverse) = (self.lens, self.shape.seq, self.reverse);
        (0..self.shape.batch).filter_map(move |b| {
            let len = lens.get(b).map_or(seq, |&l| l as usize);
            (step < len).then(|| (b, if reverse { len - 1 - step } else { step }))
        })
    }

    /// Writes entry b's hidden state into Y at time t (when Y is wanted).
    pub fn emit(&self, y: &mut [f32], t: usize, b: usize) {
        if !y.is_empty() {
            let h = self.shape.hidden;
            let at = self.shape.y_at(t, self.d, b);
            y[at..at + h].copy_from_slice(&self.ws.h[b * h..(b + 1) * h]);
        }
    }

    /// Writes the final hidden (and cell) states; empty sequences end at zero.
    pub fn finish(&self, io: &mut Io) {
        for (out, state) in [(&mut *io.yh, &*self.ws.h), (&mut *io.yc, &*self.ws.c)] {
            if out.is_empty() {
                continue;
            }
            let h = self.shape.hidden;
            for b in 0..self.shape.batch {
                let at = self.shape.state_at(self.d, b);
                let dst = &mut out[at..at + h];
                if self.len(b) == 0 {
                    dst.fill(0.0);
                } else {
                    dst.copy_from_slice(&state[b * h..(b + 1) * h]);
                }
            }
        }
    }
}

/// What a step's recurrent GEMM multiplies: the hidden state, or GRU's reset hidden state.
#[derive(Clone, Copy)]
pub enum Source {
    Hidden,
    Reset,
}

/// Copies direction d's initial state (or zeros) into a batch × hidden buffer.
fn load_state(init: &[f32], s: &Shape, d: usize, dst: &mut [f32]) {
    let h = s.hidden;
    for b in 0..s.batch {
        let row = &mut dst[b * h..(b + 1) * h];
        if init.is_empty() {
            row.fill(0.0);
        } else {
            let at = s.state_at(d, b);
            row.copy_from_slice(&init[at..at + h]);
        }
    }
}
