//! GRU: gates z (update), r (reset), h (hidden) stacked in that order. The hidden gate
//! multiplies R by the reset hidden state (a second GEMM per step), or with
//! linear_before_reset resets R's product instead (one GEMM).
use super::sequence::{Config, Direction, Io, Source};
use super::vector::{add, blend, mul};
use super::Activation;

/// Runs every direction of a GRU; `ws` holds `cfg.shape.workspace_len()` f32.
pub fn gru(io: &mut Io, cfg: &Config, linear_before_reset: bool, ws: &mut [f32]) {
    let (h, gh) = (cfg.shape.hidden, cfg.shape.gh());
    io.y.fill(0.0);
    let b = io.b;
    for dir in cfg.directions() {
        let mut run = Direction::start(io, cfg, dir, ws, |bias, rbh| {
            let Some(wr) = b.get(dir.0 * 2 * gh..(dir.0 + 1) * 2 * gh) else {
                return;
            };
            let (wb, rb) = wr.split_at(gh);
            bias.copy_from_slice(wb);
            // Rb is a plain addend except h's before the reset, which the step applies.
            let plain = if linear_before_reset { 2 * h } else { gh };
            add(&mut bias[..plain], &rb[..plain]);
            if linear_before_reset {
                rbh.copy_from_slice(&rb[2 * h..]);
            }
        });
        let gate = Gate {
            acts: [0, 1].map(|i| cfg.acts[run.d * 2 + i]),
            clip: cfg.clip,
        };
        for step in 0..run.steps() {
            if linear_before_reset {
                run.project(Source::Hidden, 0, gh);
            } else {
                run.project(Source::Hidden, 0, 2 * h);
            }
            for (b, t) in run.rows(step) {
                let ws = &mut run.ws;
                let gates = &mut ws.hproj[b * gh..(b + 1) * gh];
                let x = &ws.xproj[run.shape.x_row(t, b) * gh..][..gh];
                let (zr, hg) = gates.split_at_mut(2 * h);
                add(zr, &x[..2 * h]);
                gate.activate(0, zr);
                let (z, r) = zr.split_at(h);
                let state = &mut ws.h[b * h..(b + 1) * h];
                if linear_before_reset {
                    // h̃ = g(x·Whᵀ + Wbh + r ⊙ (H·Rhᵀ + Rbh))
                    add(hg, ws.rbh);
                    mul(hg, r);
                    add(hg, &x[2 * h..]);
                    gate.activate(1, hg);
                    blend(state, hg, z);
                    run.emit(io.y, t, b);
                } else {
                    let rh = &mut ws.rh[b * h..(b + 1) * h];
                    rh.copy_from_slice(state);
                    mul(rh, r);
                }
            }
            if !linear_before_reset {
                reset_step(&mut run, &gate, io, step);
            }
        }
        run.finish(io);
    }
}

/// The hidden gate from the reset hidden state: h̃ = g(x·Whᵀ + (r ⊙ H)·Rhᵀ + Wbh + Rbh).
fn reset_step(run: &mut Direction, gate: &Gate, io: &mut Io, step: usize) {
    let (h, gh) = (run.shape.hidden, run.shape.gh());
    run.project(Source::Reset, 2 * h, h);
    for (b, t) in run.rows(step) {
        let ws = &mut run.ws;
        let gates = &mut ws.hproj[b * gh..(b + 1) * gh];
        let x = &ws.xproj[run.shape.x_row(t, b) * gh..][..gh];
        let (zr, hg) = gates.split_at_mut(2 * h);
        add(hg, &x[2 * h..]);
        gate.activate(1, hg);
        blend(&mut ws.h[b * h..(b + 1) * h], hg, &zr[..h]);
        run.emit(io.y, t, b);
    }
}

/// The activations f (z, r) and g (hidden gate), clipping their inputs.
struct Gate {
    acts: [Activation; 2],
    clip: Option<f32>,
}

impl Gate {
    fn activate(&self, which: usize, v: &mut [f32]) {
        self.acts[which].apply_clipped(v, self.clip);
    }
}
