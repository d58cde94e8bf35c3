//! Where (a three-way broadcast select) and Clip.
use super::broadcast::{Broadcast, Row};
use super::cast::Bool;
use super::num::Num;
use super::unary::map;

/// out = c ? x : y, broadcasting all three. Element types matter only by size here.
pub fn select<T: Copy>(plan: &Broadcast<3>, c: &[Bool], x: &[T], y: &[T], out: &mut [T]) {
    plan.for_each_row(|[oc, ox, oy], oo, len| {
        let (rx, ry) = (plan.row(1, x, ox, len), plan.row(2, y, oy, len));
        let out = &mut out[oo..oo + len];
        match plan.row(0, c, oc, len) {
            Row::Splat(c) => copy_row(if c.0 != 0 { rx } else { ry }, out),
            Row::Run(c) => {
                for (i, (o, c)) in out.iter_mut().zip(c).enumerate() {
                    *o = if c.0 != 0 { rx.at(i) } else { ry.at(i) };
                }
            }
        }
    });
}

fn copy_row<T: Copy>(src: Row<T>, out: &mut [T]) {
    match src {
        Row::Run(s) => out.copy_from_slice(s),
        Row::Splat(v) => out.fill(v),
    }
}

/// y = min(max(x, lo), hi), NaN staying NaN; an absent bound does not clip.
pub fn clip<T: Num>(x: &[T], y: &mut [T], lo: Option<T>, hi: Option<T>) {
    map(x, y, |v| {
        let v = lo.map_or(v, |lo| v.max(lo));
        hi.map_or(v, |hi| v.min(hi))
    });
}
