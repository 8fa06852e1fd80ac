//! Exit codes, in one place (DESIGN.md: the exit-code table is a contract).

use crate::policy::Action;

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success (validate: ready).
    Success = 0,
    /// validate: not ready.
    NotReady = 1,
    /// Usage error or failure.
    Failure = 2,
    /// `recommend --exit-code`: scale up.
    ScaleUp = 10,
    /// `recommend --exit-code`: scale down.
    ScaleDown = 11,
    /// `recommend --exit-code`: wait.
    Wait = 12,
}

impl Exit {
    /// The `--exit-code` mapping of an action (maintain → 0).
    pub fn for_action(action: Action) -> Exit {
        match action {
            Action::ScaleUp => Exit::ScaleUp,
            Action::ScaleDown => Exit::ScaleDown,
            Action::Wait => Exit::Wait,
            Action::Maintain => Exit::Success,
        }
    }

    /// The numeric code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_map_to_the_documented_codes() {
        assert_eq!(Exit::for_action(Action::ScaleUp).code(), 10);
        assert_eq!(Exit::for_action(Action::ScaleDown).code(), 11);
        assert_eq!(Exit::for_action(Action::Wait).code(), 12);
        assert_eq!(Exit::for_action(Action::Maintain).code(), 0);
        assert_eq!(Exit::Failure.code(), 2);
    }
}
