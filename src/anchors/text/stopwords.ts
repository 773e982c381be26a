/**
 * English stopwords that the language-model sampler never masks (and that a masked-word model never
 * proposes): the function words of English — articles, pronouns, prepositions, conjunctions, auxiliary
 * and modal verbs, and their contractions. It is the function-word part of the English stop list of
 * NLTK (Bird, Klein & Loper, "Natural Language Processing with Python", 2009, §2.4) without its
 * negations (`not`, `no`, `nor`, `don't`, `isn't` …) and intensifiers (`very`, `too`, `more`, `most`,
 * `only`), which carry sentiment and must stay open to perturbation.
 */
export const DEFAULT_STOPWORDS: readonly string[] = Object.freeze([
  // articles, determiners
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'each', 'every', 'either', 'neither', 'some', 'any',
  'both', 'all', 'such', 'other', 'another', 'own', 'same',
  // pronouns
  'i', 'me', 'my', 'mine', 'myself', 'we', 'us', 'our', 'ours', 'ourselves', 'you', 'your', 'yours',
  'yourself', 'yourselves', 'he', 'him', 'his', 'himself', 'she', 'her', 'hers', 'herself', 'it', 'its',
  'itself', 'they', 'them', 'their', 'theirs', 'themselves', 'what', 'which', 'who', 'whom', 'whose',
  // prepositions
  'of', 'in', 'on', 'at', 'to', 'from', 'by', 'with', 'about', 'as', 'into', 'onto', 'for', 'through',
  'over', 'under', 'after', 'before', 'between', 'during', 'above', 'below', 'up', 'down', 'out', 'off',
  'against', 'among', 'upon', 'within', 'without', 'via',
  // conjunctions, relative and question adverbs
  'and', 'or', 'but', 'if', 'then', 'else', 'so', 'than', 'because', 'while', 'until', 'although',
  'though', 'whether', 'when', 'where', 'why', 'how', 'there', 'here',
  // auxiliary and modal verbs
  'am', 'is', 'are', 'was', 'were', 'be', 'been', 'being', 'have', 'has', 'had', 'having', 'do', 'does',
  'did', 'doing', 'will', 'would', 'shall', 'should', 'can', 'could', 'may', 'might', 'must',
  // contractions of pronouns and auxiliaries (not negations)
  "i'm", "i've", "i'd", "i'll", "you're", "you've", "you'd", "you'll", "he's", "he'd", "he'll", "she's",
  "she'd", "she'll", "it's", "it'd", "it'll", "we're", "we've", "we'd", "we'll", "they're", "they've",
  "they'd", "they'll", "that's", "there's", "here's", "what's", "who's", "let's",
]);
