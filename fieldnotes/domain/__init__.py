"""Plain types and rules of the field-visit domain; imports nothing heavy."""
