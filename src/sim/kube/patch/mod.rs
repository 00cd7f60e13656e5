//! JSON merge patch (RFC 7386), JSON patch (RFC 6902) and the strategic merge patch kubectl sends.
