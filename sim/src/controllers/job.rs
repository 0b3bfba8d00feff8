//! PLACEHOLDER: being written (issue 5).
