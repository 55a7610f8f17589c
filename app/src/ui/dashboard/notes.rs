//! The team's notes in an open thread: what the page holds, what polls and earlier pages add, and
//! writing one from the composer's Note tab. Nothing here is part of the customer's portal.

use leptos::prelude::*;

use crate::api::threads::thread_note;
use crate::ids::ThreadId;
use crate::model::NoteView;

/// The notes an open thread holds, and the newest one its polls have seen.
#[derive(Clone, Copy)]
pub struct TeamNotes {
    pub list: RwSignal<Vec<NoteView>>,
    /// Polls ask for the notes after it. Moved only by polls: a note this person added may have
    /// overtaken a colleague's that a poll has still to bring.
    seen_up_to: StoredValue<i64>,
}

impl TeamNotes {
    pub fn new(notes: Vec<NoteView>, note_seq: i64) -> Self {
        TeamNotes { list: RwSignal::new(notes), seen_up_to: StoredValue::new(note_seq) }
    }

    pub fn after(&self) -> i64 {
        self.seen_up_to.get_value()
    }

    /// A poll's notes, and the thread's newest note as it said.
    pub fn polled(&self, notes: Vec<NoteView>, note_seq: i64) {
        self.seen_up_to.update_value(|seen| *seen = (*seen).max(note_seq));
        self.receive(notes);
    }

    /// Notes from anywhere (a poll, an earlier page, this person's own), each once, in order.
    pub fn receive(&self, new: Vec<NoteView>) {
        if new.is_empty() {
            return;
        }
        self.list.try_update(|notes| merge_notes(notes, new));
    }
}

fn merge_notes(notes: &mut Vec<NoteView>, new: Vec<NoteView>) {
    for note in new {
        match notes.binary_search_by_key(&note.note_seq, |n| n.note_seq) {
            Ok(at) => notes[at] = note,
            Err(at) => notes.insert(at, note),
        }
    }
}

/// Adds a note to the thread. A note that could not be saved goes back into an empty draft, with
/// the reason in `problem`, so nothing typed is lost.
pub fn note_writer(
    thread_id: ThreadId,
    notes: TeamNotes,
    draft: RwSignal<String>,
    problem: RwSignal<Option<String>>,
) -> Action<String, ()> {
    Action::new(move |body: &String| {
        let (thread_id, body) = (thread_id.clone(), body.clone());
        async move {
            problem.try_set(None);
            match thread_note(thread_id, uuid::Uuid::new_v4().to_string(), body.clone()).await {
                Ok(note) => notes.receive(vec![note]),
                Err(err) => {
                    if draft.try_get_untracked().is_some_and(|d| d.is_empty()) {
                        draft.try_set(body);
                    }
                    problem.try_set(Some(format!("Note not saved: {err}")));
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(note_seq: i64) -> NoteView {
        NoteView {
            id: crate::ids::NoteId::new(format!("n{note_seq}")),
            note_seq,
            after_seq: note_seq,
            author_name: "Maya Lind".into(),
            body: format!("note {note_seq}"),
            client_id: format!("c{note_seq}"),
            day: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            time: "10:00".into(),
        }
    }

    #[test]
    fn notes_merge_in_order_once_each() {
        let mut notes = vec![note(1), note(3)];
        merge_notes(&mut notes, vec![note(4), note(2), note(3)]);
        assert_eq!(notes.iter().map(|n| n.note_seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
    }
}
