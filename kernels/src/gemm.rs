//! Matrix multiplication.

/// c = a (m×k) · b (k×n), row-major.
pub fn matmul(a: &[f32], b: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
    c.fill(0.0);
    for i in 0..m {
        let row = &mut c[i * n..(i + 1) * n];
        for p in 0..k {
            let av = a[i * k + p];
            let brow = &b[p * n..(p + 1) * n];
            for j in 0..n {
                row[j] += av * brow[j];
            }
        }
    }
}
