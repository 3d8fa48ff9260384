"""The rule modules. Each module holds one rule family; the engine discovers every Rule subclass here."""
