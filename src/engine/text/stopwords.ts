/**
 * English stop words: the Snowball English list (snowballstem.org), the modal and filler words it
 * leaves out ("will", "can", "just", "also"…), the openers of a statement ("I think", "we
 * need"), the contractions as typed without their apostrophe
 * ("dont", "isnt"), and single letters (what is left of "e.g." or "U.K."). Negations ("not",
 * "no") are stop words too: a statement and its negation are the same question to vote on.
 */
const WORDS = `
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
hers herself it its itself they them their theirs themselves what which who whom this that these
those am is are was were be been being have has had having do does did doing would should could
ought i'm you're he's she's it's we're they're i've you've we've they've i'd you'd he'd she'd we'd
they'd i'll you'll he'll she'll we'll they'll isn't aren't wasn't weren't hasn't haven't hadn't
doesn't don't didn't won't wouldn't shan't shouldn't can't cannot couldn't mustn't let's that's
who's what's here's there's when's where's why's how's a an the and but if or because as until
while of at by for with about against between into through during before after above below to
from up down in out on off over under again further then once here there when where why how all
any both each few more most other some such no nor not only own same so than too very
will can just also may might must shall us etc eg ie need needs think
a b c d e f g h i j k l m n o p q r s t u v w x y z
im youre hes shes weve theyre ive youve theyve isnt arent wasnt werent hasnt havent hadnt doesnt
dont didnt wont wouldnt shant shouldnt cant couldnt mustnt thats whos whats heres theres
`;

export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter((w) => w.length > 0));
