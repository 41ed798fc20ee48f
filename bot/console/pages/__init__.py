"""The console's pages, one module per area (sign-in, edit, learn, train, history, inbox)."""
