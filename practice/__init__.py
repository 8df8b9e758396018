"""Practice on real tasks (issue 19): the wiki's own maintenance work offered to newcomers.

Pure parts: :mod:`practice.tasktypes` (the wiki's task types page), :mod:`practice.tasklist`
(the batched queries and the cached list the gadget reads), :mod:`practice.verify` (whether a
recorded task edit really did the task), :mod:`practice.recognition` (counts, streaks and levels
per skill). The I/O lives at the edges: ``bot/tasklists.py`` publishes the list, the app
(``toolforge/practice_view.py``) shows practice to learners and mentors.
"""
