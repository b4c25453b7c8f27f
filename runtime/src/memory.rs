//! Giving memory back to the operating system after a burst.
//!
//! glibc's allocator keeps the pages of what the program freed in its arenas, for the next
//! allocation. After a burst (the initial list of a large cache: every page of objects
//! decoded, queued, reconciled, then dropped) the process holds pages it will not need again
//! soon, and its resident size stays at the peak. Go's runtime returns such pages (its
//! scavenger); here the workqueue calls [`return_freed`] once a burst has drained, and
//! `malloc_trim` returns the free pages of every arena. Other allocators (musl, macOS) have
//! nothing to call.

/// Returns the allocator's free pages to the operating system. Takes about a millisecond
/// for a heap of tens of MiB: call it after a burst, not per object.
pub(crate) fn return_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: `malloc_trim` takes no pointers; it releases only memory glibc's allocator
        // holds free, under the arenas' own locks (the Rust global allocator is glibc's here).
        unsafe {
            malloc_trim(0);
        }
    }
}
