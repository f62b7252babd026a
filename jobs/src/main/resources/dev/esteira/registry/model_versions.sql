-- The view model_versions: every registered version (models) with its current stage, aliases, tags and
-- description, replayed from the registry's log (model_transitions) by the rules of RegistryState, the
-- replay the registry itself decides on. This file is the one SQL definition: `esteira sql` reads it
-- through dev.esteira.registry.RegistryViews, the notebooks (notebooks/esteira_nb.py) read it from the
-- repository. Refused rows change nothing; rows are ordered by (seq, ordinal), a model's commit order.
WITH accepted AS (SELECT * FROM model_transitions WHERE accepted),
-- A version's stage: its newest stage row.
stage AS (
  SELECT model, version, to_stage AS stage FROM (
    SELECT model, version, to_stage,
      row_number() OVER (PARTITION BY model, version ORDER BY seq DESC, ordinal DESC) AS newest
    FROM accepted WHERE kind = 'stage')
  WHERE newest = 1),
-- An alias is held by the version its newest 'alias' row points at, unless that version had the alias
-- removed after that row (an 'alias_removed' row of another version does not take it away).
alias_set AS (
  SELECT model, name, version, seq, ordinal FROM (
    SELECT model, name, version, seq, ordinal,
      row_number() OVER (PARTITION BY model, name ORDER BY seq DESC, ordinal DESC) AS newest
    FROM accepted WHERE kind = 'alias')
  WHERE newest = 1),
alias AS (
  SELECT s.model, s.version, sort_array(collect_list(s.name)) AS aliases
  FROM alias_set s LEFT ANTI JOIN accepted r
    ON r.kind = 'alias_removed' AND r.model = s.model AND r.name = s.name AND r.version = s.version
      AND (r.seq > s.seq OR (r.seq = s.seq AND r.ordinal > s.ordinal))
  GROUP BY s.model, s.version),
-- A tag of a version: set and removed rows of the same tag name compete, the newest decides.
tag AS (
  SELECT model, version, map_from_entries(collect_list(struct(name, value))) AS tags FROM (
    SELECT model, version, name, value, kind,
      row_number() OVER (PARTITION BY model, version, name ORDER BY seq DESC, ordinal DESC) AS newest
    FROM accepted WHERE kind IN ('tag', 'tag_removed'))
  WHERE newest = 1 AND kind = 'tag'
  GROUP BY model, version),
-- A version's description: its newest description row.
descr AS (
  SELECT model, version, value AS description FROM (
    SELECT model, version, value,
      row_number() OVER (PARTITION BY model, version ORDER BY seq DESC, ordinal DESC) AS newest
    FROM accepted WHERE kind = 'description')
  WHERE newest = 1)
SELECT m.model, m.version, coalesce(stage.stage, 'none') AS stage, coalesce(alias.aliases, array()) AS aliases,
  tag.tags, descr.description, m.run_id, m.metrics, m.dataset, m.dataset_version, m.batch,
  m.artifact, m.artifact_sha256, m.created_at
FROM models m LEFT JOIN stage USING (model, version) LEFT JOIN alias USING (model, version)
LEFT JOIN tag USING (model, version) LEFT JOIN descr USING (model, version)
