"""Reports generated from the rules: the policy handbook and the monitoring report
(`beleid report`).

Stages: handbook.py and state.py reduce the policy and an evaluation to data; phrases.py and the
sentence templates turn rule fields into Dutch and English; svg.py draws; site.py writes pages.
"""
