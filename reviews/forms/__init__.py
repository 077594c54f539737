"""The forms of the quarter's pages. They carry what was typed and check its shape (a revision
is a whole number, a choice is one of the list); the services check the values (numbers,
ranges, the policy's rules), and their errors are put back on the fields by the pages."""
