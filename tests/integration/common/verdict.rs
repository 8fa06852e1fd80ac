//! Asserting a validate verdict: the status of one check and the evidence it gives (shared by
//! the validate test modules).

use rizk_scale::validate::{Report, Status};

/// Assert the status of `id` and that its message contains every piece of `evidence`; a check
/// that is not passing or skipped must carry a one-line hint.
pub fn expect(report: &Report, id: &str, status: Status, evidence: &[&str]) {
    let check = report
        .get(id)
        .unwrap_or_else(|| panic!("{id} not in report"));
    assert_eq!(check.status, status, "{id}: {check:?}");
    for e in evidence {
        assert!(
            check.message.contains(e),
            "{id}: {:?} does not contain {e:?}",
            check.message
        );
    }
    if status != Status::Pass && status != Status::Skip {
        assert!(!check.hint.is_empty(), "{id}: no hint");
        assert!(!check.hint.contains('\n'), "{id}: hint is not one line");
    }
}
