"""Messages to participants: invitations, the H-1 reminder and certificate links, by e-mail
and WhatsApp, sent by the job queue's worker with a status per person."""
