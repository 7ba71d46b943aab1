"""Close the loop: tell every contact who asked for a roadmap item that it shipped.

The flow, and the guarantee that nobody is told twice::

    mark_shipped / draft   one ``loop_notification`` row per (item, contact) who asked,
                           with the message rendered from the workspace's template in the
                           contact's language; the unique key makes a second draft a no-op
    send                   each drafted row with an email address goes to
                           :func:`frontdoor.notifications.send.send_once` under the key
                           ``loop:<item>:<contact>`` (recorded once, delivered by the task
                           queue with retries); the row turns ``sending``, then ``sent``
                           when the delivery record says so (:func:`sync_delivery`)
    export_csv             every row (contacts without email included) as CSV; with
                           ``mark_told`` the untold rows become ``exported`` (told by hand)

Who asked: contacts of conversations carrying a *confirmed* tag of the item (or of a
descendant of one of its tags, :func:`frontdoor.roadmap.items.item_tag_ids`, as the
roadmap's demand counts do): the conversation's contact and
the contacts who wrote its customer messages.

Templates live in ``Workspace.settings["close_loop"]["templates"][lang]`` as
``{"subject": ..., "body": ...}`` over the defaults below. Placeholders: ``{name}``,
``{item}``, ``{account}``, ``{workspace}``; ``{{`` and ``}}`` are literal braces. Only
these names are substituted (no attribute or index access), and values are flattened to
one line, so customer-supplied names cannot reach headers or formatting machinery.

Where things are: :mod:`.templates` (the message templates and their safe rendering),
:mod:`.recipients` (who asked), :mod:`.drafts` (one message per contact, on shipping),
:mod:`.sending` (email once, retries, delivery state), :mod:`.csv_export` (told by hand)
and :mod:`.view` (the page's and the CLI's state of an item).
"""
