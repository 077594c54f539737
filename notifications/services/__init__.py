"""The writes of notifications: telling people (`notify`), sending (`deliver`), the daily
digest and deadline reminders (`daily`), and HR's robots (`robots`)."""
