//! What the senders were told and what the database holds: every acknowledged send must be
//! stored exactly once, with the seq it was acknowledged with, and each thread's seqs gapless.

use std::collections::HashMap;

use serde::Serialize;

/// A send the server acknowledged (answered 200 with the stored message).
#[derive(Debug, Clone, PartialEq)]
pub struct Ack {
    pub thread: usize,
    pub client_id: String,
    pub seq: i64,
}

/// A message as read back from a thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub seq: i64,
    pub client_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Verdict {
    pub acknowledged: usize,
    pub stored_once: usize,
    pub lost: usize,
    pub duplicated: usize,
    /// Stored, but under another seq than the one acknowledged.
    pub seq_mismatch: usize,
    pub threads_checked: usize,
    pub threads_with_gaps: usize,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.lost == 0 && self.duplicated == 0 && self.seq_mismatch == 0 && self.threads_with_gaps == 0
    }
}

/// Checks `acks` against each thread's stored messages.
pub fn verify(acks: &[Ack], stored: &HashMap<usize, Vec<Stored>>) -> Verdict {
    let mut verdict = Verdict { acknowledged: acks.len(), threads_checked: stored.len(), ..Verdict::default() };
    let mut found: HashMap<(usize, &str), Vec<i64>> = HashMap::new();
    for (&thread, messages) in stored {
        let mut seqs: Vec<i64> = messages.iter().map(|m| m.seq).collect();
        seqs.sort_unstable();
        if seqs.iter().enumerate().any(|(i, &seq)| seq != i as i64 + 1) {
            verdict.threads_with_gaps += 1;
        }
        for m in messages {
            found.entry((thread, m.client_id.as_str())).or_default().push(m.seq);
        }
    }
    for ack in acks {
        match found.get(&(ack.thread, ack.client_id.as_str())).map(Vec::as_slice) {
            None | Some([]) => verdict.lost += 1,
            Some([seq]) if *seq == ack.seq => verdict.stored_once += 1,
            Some([_]) => verdict.seq_mismatch += 1,
            Some(_) => verdict.duplicated += 1,
        }
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(thread: usize, client_id: &str, seq: i64) -> Ack {
        Ack { thread, client_id: client_id.into(), seq }
    }

    fn stored(list: &[(i64, &str)]) -> Vec<Stored> {
        list.iter().map(|&(seq, c)| Stored { seq, client_id: c.into() }).collect()
    }

    #[test]
    fn every_ack_stored_once_in_gapless_threads_passes() {
        let acks = [ack(0, "a", 2), ack(0, "b", 3), ack(1, "c", 1)];
        let db =
            HashMap::from([(0, stored(&[(1, "seed"), (3, "b"), (2, "a")])), (1, stored(&[(1, "c"), (2, "unacked")]))]);
        let v = verify(&acks, &db);
        assert!(v.ok(), "{v:?}");
        assert_eq!((v.acknowledged, v.stored_once, v.threads_checked), (3, 3, 2));
    }

    #[test]
    fn lost_duplicated_moved_and_gaps_are_each_counted() {
        let acks = [ack(0, "lost", 1), ack(0, "twice", 2), ack(0, "moved", 5), ack(1, "other-thread", 1)];
        let db = HashMap::from([
            (0, stored(&[(1, "x"), (2, "twice"), (3, "twice"), (4, "moved")])),
            (1, stored(&[(1, "y"), (3, "z")])),
        ]);
        let v = verify(&acks, &db);
        assert_eq!((v.lost, v.duplicated, v.seq_mismatch, v.threads_with_gaps), (2, 1, 1, 1));
        assert!(!v.ok());
    }
}
