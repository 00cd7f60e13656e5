//! Numbers as Prometheus writes them in text (exposition values, `le` bounds, API sample
//! values): Go's float syntax with its spellings of infinity and NaN.

/// Go's `strconv.ParseFloat` for the forms bucket bounds take ("0.5", "+Inf", "1e3").
pub fn parse_go_float(text: &str) -> Option<f64> {
    match text.trim() {
        "+Inf" | "Inf" | "+inf" | "inf" => Some(f64::INFINITY),
        "-Inf" | "-inf" => Some(f64::NEG_INFINITY),
        "NaN" | "nan" => Some(f64::NAN),
        other => other.parse().ok(),
    }
}
