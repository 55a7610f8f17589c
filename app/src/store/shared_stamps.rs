//! The change stamps of a shared SurrealDB server, read for many polls in one query. Every kept
//! read there asks the database for its stamps first, and a round trip per poll made an empty poll
//! cost nearly what reading the value did. Polls that ask while a read is under way wait for the
//! next one, which then reads the stamps of all of them at once: a batch's query starts only after
//! each of its polls asked, so it sees every write that committed before any of them began, as a
//! read of their own would. At most one read is under way per server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use surrealdb::types::{RecordId, SurrealValue};
use tokio::sync::oneshot;

use super::database::Database;

/// Enough for any burst of polls; a longer queue waits for the next read.
const MOST_ROWS_PER_READ: usize = 2_000;

type Answer = Result<Arc<HashMap<RecordId, String>>, surrealdb::Error>;

pub(crate) struct SharedStamps {
    queue: Arc<Mutex<Queue>>,
}

#[derive(Default)]
struct Queue {
    /// Whether a task is reading stamps (and will read again for whoever is waiting).
    reading: bool,
    waiting: Vec<Asked>,
}

struct Asked {
    rows: Vec<RecordId>,
    answer: oneshot::Sender<Answer>,
}

#[derive(SurrealValue)]
struct StampRow {
    id: RecordId,
    v: String,
}

impl SharedStamps {
    pub(crate) fn new() -> Self {
        SharedStamps { queue: Arc::default() }
    }

    /// What the stamp rows hold now (`None` for a row never written), read after this call began.
    pub(crate) async fn seen(&self, db: &Database, rows: &[RecordId]) -> Result<Vec<Option<String>>, surrealdb::Error> {
        let (answer, answered) = oneshot::channel();
        let lead = {
            let mut queue = lock(&self.queue);
            queue.waiting.push(Asked { rows: rows.to_vec(), answer });
            !std::mem::replace(&mut queue.reading, true)
        };
        if lead {
            tokio::spawn(read_while_asked(db.clone(), self.queue.clone()));
        }
        let stamps = answered
            .await
            .unwrap_or_else(|_| Err(surrealdb::Error::internal("the stamp read ended without an answer".to_owned())))?;
        Ok(rows.iter().map(|row| stamps.get(row).cloned()).collect())
    }
}

fn lock(queue: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    // The queue holds no invariant a panic elsewhere could break halfway.
    queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reads the stamps for everyone waiting, again and again until no one is.
async fn read_while_asked(db: Database, queue: Arc<Mutex<Queue>>) {
    // Should this task end early (a panic, or its runtime shutting down), the next caller starts
    // another; on the way out below it has already handed over under the lock.
    struct Unfinished(Option<Arc<Mutex<Queue>>>);
    impl Drop for Unfinished {
        fn drop(&mut self) {
            if let Some(queue) = self.0.take() {
                lock(&queue).reading = false;
            }
        }
    }
    let mut unfinished = Unfinished(Some(queue.clone()));
    loop {
        let batch = {
            let mut queue = lock(&queue);
            let mut rows = 0;
            let take = queue
                .waiting
                .iter()
                .take_while(|asked| {
                    rows += asked.rows.len();
                    rows <= MOST_ROWS_PER_READ
                })
                .count()
                .max(1);
            let take = take.min(queue.waiting.len());
            if take == 0 {
                queue.reading = false;
                unfinished.0 = None;
                return;
            }
            queue.waiting.drain(..take).collect::<Vec<_>>()
        };
        let mut rows: Vec<RecordId> = batch.iter().flat_map(|asked| asked.rows.iter().cloned()).collect();
        rows.sort_unstable();
        rows.dedup();
        let answer: Answer = async {
            let found: Vec<StampRow> =
                db.read("SELECT id, <string> v AS v FROM $rows").bind(("rows", rows)).await?.take(0)?;
            Ok(Arc::new(found.into_iter().map(|row| (row.id, row.v)).collect()))
        }
        .await;
        for asked in batch {
            // A caller that stopped waiting no longer needs its answer.
            let _ = asked.answer.send(answer.clone());
        }
    }
}
