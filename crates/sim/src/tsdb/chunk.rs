//! Compact storage of one series' values: full chunks of `CHUNK` grid slots are sealed into
//! the smallest exact encoding (one constant, 1/2/4-byte integer offsets, or raw floats), so
//! constant gauges cost nothing per sample and integer counters 1-4 bytes, with O(1) reads.

use std::collections::VecDeque;

use super::{STALE_NAN_BITS, is_stale_marker};

/// Grid slots per chunk (10 minutes at a 5s scrape interval).
pub const CHUNK: usize = 120;

#[derive(Debug)]
enum Encoding {
    Const(u64),
    /// `value = base + offset`; the all-ones offset of the width is the stale marker.
    Int {
        base: i64,
        width: usize,
        data: Box<[u8]>,
    },
    Raw(Box<[f64]>),
}

#[derive(Debug)]
struct Chunk {
    encoding: Encoding,
}

fn read_offset(data: &[u8], width: usize, i: usize) -> Option<u32> {
    let bytes = data.get(i * width..(i + 1) * width)?;
    Some(
        bytes
            .iter()
            .rev()
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b)),
    )
}

impl Chunk {
    fn seal(values: &[f64]) -> Self {
        let first = values.first().map_or(STALE_NAN_BITS, |v| v.to_bits());
        if values.iter().all(|v| v.to_bits() == first) {
            return Self {
                encoding: Encoding::Const(first),
            };
        }
        let encoding = Self::encode_int(values).unwrap_or_else(|| Encoding::Raw(values.into()));
        Self { encoding }
    }

    fn encode_int(values: &[f64]) -> Option<Encoding> {
        let exact =
            |v: f64| v.trunc() == v && v.abs() < 9.0e15 && !(v == 0.0 && v.is_sign_negative());
        let reals: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| !is_stale_marker(*v))
            .collect();
        if !reals.iter().all(|v| exact(*v)) {
            return None;
        }
        let min = reals.iter().fold(f64::INFINITY, |a, v| a.min(*v)) as i64;
        let max = reals.iter().fold(f64::NEG_INFINITY, |a, v| a.max(*v)) as i64;
        let range = u64::try_from(max - min).ok()?;
        let width = match range {
            r if r < 0xff => 1,
            r if r < 0xffff => 2,
            r if r < 0xffff_ffff => 4,
            _ => return None,
        };
        let sentinel: u32 = if width == 4 {
            u32::MAX
        } else {
            (1u32 << (8 * width)) - 1
        };
        let mut data = Vec::with_capacity(values.len() * width);
        for v in values {
            let offset = if is_stale_marker(*v) {
                sentinel
            } else {
                u32::try_from(*v as i64 - min).ok()?
            };
            data.extend_from_slice(&offset.to_le_bytes()[..width]);
        }
        Some(Encoding::Int {
            base: min,
            width,
            data: data.into(),
        })
    }

    fn get(&self, i: usize) -> Option<f64> {
        match &self.encoding {
            Encoding::Const(bits) => (i < CHUNK).then(|| f64::from_bits(*bits)),
            Encoding::Raw(values) => values.get(i).copied(),
            Encoding::Int { base, width, data } => {
                let offset = read_offset(data, *width, i)?;
                let sentinel: u32 = if *width == 4 {
                    u32::MAX
                } else {
                    (1u32 << (8 * width)) - 1
                };
                Some(if offset == sentinel {
                    f64::from_bits(STALE_NAN_BITS)
                } else {
                    (base + i64::from(offset)) as f64
                })
            }
        }
    }

    fn bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + match &self.encoding {
                Encoding::Const(_) => 0,
                Encoding::Int { data, .. } => data.len(),
                Encoding::Raw(values) => values.len() * 8,
            }
    }
}

/// One value per grid slot: sealed chunks plus the chunk being filled.
#[derive(Debug, Default)]
pub struct SeriesValues {
    sealed: VecDeque<Chunk>,
    head: Vec<f64>,
}

impl SeriesValues {
    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.head.len()
    }

    pub fn get(&self, i: usize) -> Option<f64> {
        let (c, offset) = (i / CHUNK, i % CHUNK);
        match self.sealed.get(c) {
            Some(chunk) => chunk.get(offset),
            None => self.head.get(i - self.sealed.len() * CHUNK).copied(),
        }
    }

    /// Appends a slot; a full head is sealed first, so `set_last` always finds the head.
    pub fn push(&mut self, v: f64) {
        if self.head.len() == CHUNK {
            self.sealed.push_back(Chunk::seal(&self.head));
            self.head.clear();
        }
        self.head.push(v);
    }

    pub fn last(&self) -> Option<f64> {
        self.head.last().copied()
    }

    pub fn set_last(&mut self, v: f64) {
        if let Some(last) = self.head.last_mut() {
            *last = v;
        }
    }

    /// Drops the oldest sealed chunk; false when there is none.
    pub fn pop_front_chunk(&mut self) -> bool {
        self.sealed.pop_front().is_some()
    }

    /// Approximate heap and inline bytes held.
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.head.capacity() * 8
            + self.sealed.iter().map(Chunk::bytes).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(f: impl Fn(usize) -> f64) -> SeriesValues {
        let mut v = SeriesValues::default();
        for i in 0..=CHUNK {
            v.push(f(i));
        }
        v
    }

    #[test]
    fn encodings_are_exact_and_small() {
        let stale = f64::from_bits(STALE_NAN_BITS);
        type Case = (&'static str, Box<dyn Fn(usize) -> f64>, usize);
        let cases: [Case; 6] = [
            ("constant", Box::new(|_| 42.5), 0),
            ("small counter", Box::new(|i| 1_000.0 + i as f64), CHUNK),
            (
                "big counter",
                Box::new(|i| 1e12 + 500.0 * i as f64),
                2 * CHUNK,
            ),
            (
                "stale gap",
                Box::new(move |i| if i % 7 == 0 { stale } else { i as f64 }),
                CHUNK,
            ),
            ("floats", Box::new(|i| i as f64 / 3.0), 8 * CHUNK),
            (
                "negative zero and NaN",
                Box::new(|i| {
                    if i == 3 {
                        -0.0
                    } else if i == 5 {
                        f64::NAN
                    } else {
                        1.0
                    }
                }),
                8 * CHUNK,
            ),
        ];
        for (name, f, payload) in cases {
            let v = filled(&f);
            for i in 0..=CHUNK {
                let got = v.get(i).unwrap_or(0.5);
                assert_eq!(got.to_bits(), f(i).to_bits(), "{name} slot {i}");
            }
            let sealed =
                v.sealed.iter().map(Chunk::bytes).sum::<usize>() - std::mem::size_of::<Chunk>();
            assert_eq!(sealed, payload, "{name}");
        }
    }
}
