"""The data subject's rights and retention (GDPR): export, erasure, retention of contact data.

Above the reports (layer 4): a person's data sits in every app, so the one door that finds and
takes it out lives where it may read them all."""
