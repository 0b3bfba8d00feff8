//! The etcd model.
