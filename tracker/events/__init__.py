"""Events, venues and the participants registered for them."""
