//! LSTM: gates i, o, f, c stacked in that order; optional peepholes (i, o, f), coupled
//! input and forget gates, and clipping of every gate's input.
use super::sequence::{fold_sum, Config, Direction, Io, Source};
use super::vector::{add, add_product, mul, one_minus};
use super::Activation;

/// Runs every direction of an LSTM; `ws` holds `cfg.shape.workspace_len()` f32.
pub fn lstm(io: &mut Io, cfg: &Config, input_forget: bool, ws: &mut [f32]) {
    let (h, gh) = (cfg.shape.hidden, cfg.shape.gh());
    io.y.fill(0.0);
    let b = io.b;
    for dir in cfg.directions() {
        let mut run = Direction::start(io, cfg, dir, ws, |bias, _| fold_sum(b, dir.0, gh, bias));
        let cell = Cell {
            acts: [0, 1, 2].map(|i| cfg.acts[run.d * 3 + i]),
            peep: run.part(io.p, 3 * h),
            clip: cfg.clip,
            input_forget,
        };
        for step in 0..run.steps() {
            run.project(Source::Hidden, 0, gh);
            for (b, t) in run.rows(step) {
                let ws = &mut run.ws;
                let gates = &mut ws.hproj[b * gh..(b + 1) * gh];
                add(gates, &ws.xproj[run.shape.x_row(t, b) * gh..][..gh]);
                cell.apply(
                    gates,
                    &mut ws.c[b * h..(b + 1) * h],
                    &mut ws.h[b * h..(b + 1) * h],
                );
                run.emit(io.y, t, b);
            }
        }
        run.finish(io);
    }
}

/// The gate math of one batch entry.
struct Cell<'a> {
    /// f (gates), g (cell input), h (cell output).
    acts: [Activation; 3],
    peep: &'a [f32],
    clip: Option<f32>,
    input_forget: bool,
}

impl Cell<'_> {
    /// From the gates' pre-activations, updates the cell state c and hidden state h.
    fn apply(&self, gates: &mut [f32], c: &mut [f32], h: &mut [f32]) {
        let n = c.len();
        let (gi, rest) = gates.split_at_mut(n);
        let (go, rest) = rest.split_at_mut(n);
        let (gf, gc) = rest.split_at_mut(n);
        let [f, g, hact] = self.acts;
        let peep = |k: usize| self.peep.get(k * n..(k + 1) * n);
        if let Some(p) = peep(0) {
            add_product(gi, p, c);
        }
        self.activate(f, gi);
        if self.input_forget {
            one_minus(gf, gi);
        } else {
            if let Some(p) = peep(2) {
                add_product(gf, p, c);
            }
            self.activate(f, gf);
        }
        self.activate(g, gc);
        // c = f ⊙ c + i ⊙ g
        mul(c, gf);
        add_product(c, gi, gc);
        if let Some(p) = peep(1) {
            add_product(go, p, c);
        }
        self.activate(f, go);
        // h = o ⊙ h(c), reusing the spent cell-input gate as scratch.
        gc.copy_from_slice(c);
        hact.apply(gc);
        h.copy_from_slice(go);
        mul(h, gc);
    }

    fn activate(&self, act: Activation, v: &mut [f32]) {
        act.apply_clipped(v, self.clip);
    }
}
