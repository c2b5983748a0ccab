"""Running the app: backups, restores and the commands an operator needs."""
