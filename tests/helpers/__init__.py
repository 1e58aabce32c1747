"""Test helpers: fakes live here, in one place, instead of deep mocks."""
