//! A small stable 64-bit hash for traces and log fingerprints: the same bytes give the same
//! value on every platform and in every build (std's hashers promise neither).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StableHash(u64);

const SEED: u64 = 0x243F_6A88_85A3_08D3;

impl Default for StableHash {
    fn default() -> Self {
        StableHash(SEED)
    }
}

#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl StableHash {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn from_value(v: u64) -> Self {
        StableHash(v)
    }

    #[inline]
    pub fn word(&mut self, w: u64) -> &mut Self {
        self.0 = mix(self.0.rotate_left(23) ^ w.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        self
    }

    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.word(bytes.len() as u64);
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.word(u64::from_le_bytes(buf));
        }
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub fn finish(&self) -> u64 {
        mix(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_pinned_and_order_sensitive() {
        let a = StableHash::new().word(1).word(2).finish();
        let b = StableHash::new().word(2).word(1).finish();
        assert_ne!(a, b);
        assert_eq!(StableHash::new().str("raft").finish(), PINNED_RAFT);
    }

    const PINNED_RAFT: u64 = 3129985107510406324;
}
