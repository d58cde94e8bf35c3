//! The simple RNN: H = f(X·Wᵀ + H·Rᵀ + Wb + Rb).
use super::sequence::{fold_sum, Config, Direction, Io, Source};
use super::vector::add;

/// Runs every direction of an RNN; `ws` holds `cfg.shape.workspace_len()` f32.
pub fn rnn(io: &mut Io, cfg: &Config, ws: &mut [f32]) {
    let h = cfg.shape.hidden;
    io.y.fill(0.0);
    let b = io.b;
    for dir in cfg.directions() {
        let mut run = Direction::start(io, cfg, dir, ws, |bias, _| fold_sum(b, dir.0, h, bias));
        let f = cfg.acts[run.d];
        for step in 0..run.steps() {
            run.project(Source::Hidden, 0, h);
            for (b, t) in run.rows(step) {
                let ws = &mut run.ws;
                let gate = &mut ws.hproj[b * h..(b + 1) * h];
                add(gate, &ws.xproj[run.shape.x_row(t, b) * h..][..h]);
                f.apply_clipped(gate, cfg.clip);
                ws.h[b * h..(b + 1) * h].copy_from_slice(gate);
                run.emit(io.y, t, b);
            }
        }
        run.finish(io);
    }
}
