"""Alert rules, evaluation outcomes, the suppression policy, feedback and worklists.

No Qt here: the window calls these plain, typed, paged services (on its database
worker thread), the CLI calls the same ones.

Reading (inside ``store.read()``):
- ``queries.list_alerts(session, states=None, limit=200, offset=0) -> AlertPage``:
  alerts open first, then by severity; each ``AlertView`` carries its state, its
  suppression reason, its latest outcome and the verdict in force.
- ``queries.alert_detail(session, alert_id) -> AlertDetail``: the alert, its latest
  outcomes (newest first), every verdict, and the evidence of its last finding.
- ``worklist.worklist_page(session, alert_id, limit=100, offset=0) -> WorklistPage``:
  the claim lines behind an alert, and the criteria that chose them.
- ``rules.list_rules(session) -> list[RuleInfo]``;
  ``suppression.load_params(session) -> PolicyParams``.

Changing (each audited, inside ``store.write()`` unless it takes the store):
- ``feedback.record_feedback(store_or_session, alert_id, verdict, note, actor=, clock=)``
  ``-> FeedbackResult``: stores the verdict, audits it and queues it for sync in one
  transaction; the alert's state follows at once.
- ``rules.add_rule / update_rule / set_rule_enabled / remove_rule -> RuleChange``;
  ``suppression.save_params(session, PolicyParams)``.
- ``worklist.export_worklist(store, alert_id, path, progress=) -> int`` (CSV) and
  ``desktop.reports.service.write_report(store, path, progress) -> ReportResult``.

Evaluation runs inside every analysis: ``evaluate.RunEvaluator`` is the evaluator
``desktop.analysis.wiring.standard_evaluator()`` returns; every finding gets exactly
one ``Outcome`` (raised, suppressed, no_rule, invalid) with a reason, stored as an
``alert_event``; ``evaluate.run_outcome_counts(session, run_id)`` counts them.
Errors are typed: ``errors.AlertNotFound``, ``rules.RuleNotFound`` (InvalidInput).
"""
