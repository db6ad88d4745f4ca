/// Loader-test fixture (no public declarations).
