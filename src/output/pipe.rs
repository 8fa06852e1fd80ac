//! Noticing that stdout's reader went away (`monitor | head -1`) without writing to it, so a
//! loop can stop at once instead of taking another sample only to find the pipe closed.

use std::future::pending;
use std::os::fd::{AsFd, OwnedFd};

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// Resolves once stdout is a pipe (or socket) whose reading end is closed. Never resolves when
/// stdout is anything else (a terminal, a file: they cannot be watched) or cannot be watched.
/// Needs a tokio runtime with I/O enabled.
pub async fn stdout_closed() {
    match std::io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => closed(fd).await,
        Err(_) => pending().await,
    }
}

/// Resolves once `fd`'s peer is gone (an error event on it: EPOLLERR on a pipe's write end
/// when no reader is left).
async fn closed(fd: OwnedFd) {
    // SAFETY: `fd` is an `OwnedFd` moved into the `AsyncFd`: it is open, and stays open and
    // the same descriptor until the `AsyncFd` is dropped. Registering does not change the file
    // description's flags (stdout stays blocking for our own writes).
    let Ok(watch) = (unsafe { AsyncFd::register_with_interest(fd, Interest::ERROR) }) else {
        return pending().await;
    };
    loop {
        match watch.ready(Interest::ERROR).await {
            Ok(guard) if guard.ready().is_error() => return,
            Ok(mut guard) => guard.clear_ready(),
            Err(_) => return pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_pipe_whose_reader_is_gone_is_noticed_and_a_live_one_is_not() {
        let (reader, writer) = std::io::pipe().unwrap();
        let writer = OwnedFd::from(writer);
        let watching = tokio::spawn(closed(writer));
        // The reader is still there: nothing happens.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!watching.is_finished());
        drop(reader);
        tokio::time::timeout(Duration::from_secs(5), watching)
            .await
            .expect("noticed within 5s")
            .unwrap();
    }

    #[tokio::test]
    async fn a_regular_file_is_never_reported_closed() {
        let file = tempfile::tempfile().unwrap();
        let watching = tokio::spawn(closed(OwnedFd::from(file)));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!watching.is_finished());
        watching.abort();
    }
}
