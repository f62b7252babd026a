-- The view model_versions: every registered version (models) with its current stage, aliases, tags and
-- description, replayed from the registry's log (model_transitions). This file is the one SQL
-- definition: `esteira sql` reads it through dev.esteira.registry.RegistryViews, the notebooks
-- (notebooks/esteira_nb.py) read it from the repository.
WITH log AS (SELECT *, row_number() OVER (PARTITION BY model, version, kind, name ORDER BY seq DESC, ordinal DESC) AS newest
  FROM model_transitions WHERE accepted),
stage AS (SELECT model, version, to_stage AS stage FROM log WHERE kind = 'stage' AND newest = 1),
alias_last AS (SELECT model, name, version, kind, row_number() OVER (PARTITION BY model, name ORDER BY seq DESC, ordinal DESC) AS n
  FROM model_transitions WHERE accepted AND kind IN ('alias', 'alias_removed')),
alias AS (SELECT model, version, sort_array(collect_list(name)) AS aliases FROM alias_last
  WHERE n = 1 AND kind = 'alias' GROUP BY model, version),
tag AS (SELECT model, version, map_from_entries(collect_list(struct(name, value))) AS tags FROM log
  WHERE kind IN ('tag', 'tag_removed') AND newest = 1 AND kind = 'tag' GROUP BY model, version),
descr AS (SELECT model, version, value AS description FROM log WHERE kind = 'description' AND newest = 1)
SELECT m.model, m.version, coalesce(stage.stage, 'none') AS stage, coalesce(alias.aliases, array()) AS aliases,
  tag.tags, descr.description, m.run_id, m.metrics, m.dataset, m.dataset_version, m.batch,
  m.artifact_path, m.artifact_sha256, m.created_at
FROM models m LEFT JOIN stage USING (model, version) LEFT JOIN alias USING (model, version)
LEFT JOIN tag USING (model, version) LEFT JOIN descr USING (model, version)
