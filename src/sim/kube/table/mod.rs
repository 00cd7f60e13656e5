//! Server-side printing: meta.k8s.io/v1 Table responses with the columns kubectl shows.
