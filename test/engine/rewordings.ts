/**
 * Statements of real Pol.is conversations (../shared/data/polis), reworded by hand as a member
 * might type them while writing: other word order, synonyms, shorter, casual spelling, typos.
 * Written before the similarity method existed and not edited to suit it; the test that reads them
 * (similar.test.ts) reports how often the original comes back among the first three suggestions.
 *
 * `original` is the comment-id in the folder's comments.csv; every original is shown (not hidden
 * by moderation).
 */
export interface Rewording {
  conversation: string;
  original: string;
  typed: string;
}

export const rewordings: readonly Rewording[] = [
  // 15-per-hour-seattle: the $15 minimum wage
  { conversation: '15-per-hour-seattle', original: '5', typed: 'this just means more robots' },
  { conversation: '15-per-hour-seattle', original: '36', typed: 'low skill jobs are going to get automated faster' },
  { conversation: '15-per-hour-seattle', original: '28', typed: 'small buisnesses will close because of this' },
  { conversation: '15-per-hour-seattle', original: '25', typed: 'the wage is too high, poor people will lose their jobs' },
  { conversation: '15-per-hour-seattle', original: '12', typed: "you can't pay rent and bills on the current minimum wage" },
  { conversation: '15-per-hour-seattle', original: '2', typed: 'prices go up for customers so they will eat out less' },
  { conversation: '15-per-hour-seattle', original: '10', typed: 'companies wont raise prices because of competition, they will just make less profit' },
  { conversation: '15-per-hour-seattle', original: '32', typed: 'a 15 dollar minimum will cause inflation, which is unfair to people earning more' },
  { conversation: '15-per-hour-seattle', original: '45', typed: 'an imperfect but good first step against income inequality' },
  { conversation: '15-per-hour-seattle', original: '51', typed: 'min wage shoud be 25 an hour' },

  // brexit-consensus
  { conversation: 'brexit-consensus', original: '28', typed: 'we should get a referendum on the final brexit deal' },
  { conversation: 'brexit-consensus', original: '22', typed: 'whatever happens britain is better off outside the euro' },
  { conversation: 'brexit-consensus', original: '14', typed: 'nobody is paying enough attention to the irish border' },
  { conversation: 'brexit-consensus', original: '13', typed: 'the single market matters for our prosperity' },
  { conversation: 'brexit-consensus', original: '8', typed: 'labour needs to oppose brexit' },
  { conversation: 'brexit-consensus', original: '33', typed: 'the brexit negotiators are hopeless and should be replaced' },
  { conversation: 'brexit-consensus', original: '30', typed: "the EU isn't left wing at all" },
  { conversation: 'brexit-consensus', original: '31', typed: 'EU institutions oppose the rights of workers' },
  { conversation: 'brexit-consensus', original: '18', typed: "a decision this big shouldn't rest on a binding referendum" },
  { conversation: 'brexit-consensus', original: '3', typed: 'since the referendum I have changed my mind' },

  // canadian-electoral-reform
  { conversation: 'canadian-electoral-reform', original: '40', typed: 'lower the voting age to 16' },
  { conversation: 'canadian-electoral-reform', original: '155', typed: 'make election day a public holiday' },
  { conversation: 'canadian-electoral-reform', original: '26', typed: "online voting isn't secure, that worries me" },
  { conversation: 'canadian-electoral-reform', original: '6', typed: 'voting should be compulsory' },
  { conversation: 'canadian-electoral-reform', original: '133', typed: 'FPTP makes people vote strategicaly' },
  { conversation: 'canadian-electoral-reform', original: '18', typed: "I don't trust voting online, I'd rather vote in person" },
  { conversation: 'canadian-electoral-reform', original: '97', typed: 'citizens assemblies are a good way to represent all voters' },
  { conversation: 'canadian-electoral-reform', original: '5', typed: 'I vote in every election' },
  { conversation: 'canadian-electoral-reform', original: '3', typed: 'disabled people find voting too difficult' },
  { conversation: 'canadian-electoral-reform', original: '69', typed: 'parliament has to protect the rights of minorities' },
  { conversation: 'canadian-electoral-reform', original: '172', typed: 'an independent body should draw the riding boundaries to stop gerrymandering' },

  // london.youth.policing
  { conversation: 'london.youth.policing', original: '33', typed: 'more diverse police' },
  { conversation: 'london.youth.policing', original: '26', typed: 'put community officers in schools to build trust with young people' },
  { conversation: 'london.youth.policing', original: '25', typed: 'teach youth about the history of the police' },
  { conversation: 'london.youth.policing', original: '38', typed: 'why are so many police officers domestic abusers' },
  { conversation: 'london.youth.policing', original: '35', typed: 'better background checks on who they hire, to get rid of bias' },
  { conversation: 'london.youth.policing', original: '27', typed: 'regular independent investigations into police conduct, shared with young people' },
  { conversation: 'london.youth.policing', original: '22', typed: 'events where young people can debate the justice system with officers' },
  { conversation: 'london.youth.policing', original: '24', typed: 'get more young people to join the cadets' },
  { conversation: 'london.youth.policing', original: '14', typed: "I've had at least one encounter with police" },
  { conversation: 'london.youth.policing', original: '31', typed: 'a new policing system designed with young black people as stakeholders' },

  // scoop-hivemind.ubi: a universal basic income for New Zealand
  { conversation: 'scoop-hivemind.ubi', original: '45', typed: 'AI and automation will wipe out jobs' },
  { conversation: 'scoop-hivemind.ubi', original: '18', typed: 'some people are lazy and would stop working if they got free money' },
  { conversation: 'scoop-hivemind.ubi', original: '10', typed: 'pay for the basic income by cutting military spending and fossil fuel subsidies' },
  { conversation: 'scoop-hivemind.ubi', original: '23', typed: "UBI shouldn't fully replace welfare, vulnerable people still need extra help" },
  { conversation: 'scoop-hivemind.ubi', original: '5', typed: 'a basic income would recognise unpaid work like caring for children and the elderly' },
  { conversation: 'scoop-hivemind.ubi', original: '19', typed: 'ubi would improve public health, people would be less stressed and eat better' },
  { conversation: 'scoop-hivemind.ubi', original: '26', typed: 'a UBI gives vulnerable workers more bargaining power' },
  { conversation: 'scoop-hivemind.ubi', original: '69', typed: "instead of arguing about the min wage let's talk about a max wage" },
  { conversation: 'scoop-hivemind.ubi', original: '11', typed: 'UBI fits Maori ideas of collective social justice' },
  { conversation: 'scoop-hivemind.ubi', original: '53', typed: "if this happens I'll quit my job and do nothing all day" },
  { conversation: 'scoop-hivemind.ubi', original: '7', typed: 'new technology makes jobs insecure so we will need a universal basic income' },

  // scoop-hivemind.freshwater
  { conversation: 'scoop-hivemind.freshwater', original: '74', typed: 'tax bottled water heavily' },
  { conversation: 'scoop-hivemind.freshwater', original: '6', typed: 'businesses polluting water above the national limit should be fined' },
  { conversation: 'scoop-hivemind.freshwater', original: '3', typed: 'every river in NZ should be safe to swim and fish in' },
  { conversation: 'scoop-hivemind.freshwater', original: '67', typed: 'nobody should be allowed to privately own fresh water' },
  { conversation: 'scoop-hivemind.freshwater', original: '13', typed: 'protecting endangered native freshwater fish and plants is urgent' },
  { conversation: 'scoop-hivemind.freshwater', original: '76', typed: 'encourage rain water harvesting and grey water recycling' },
  { conversation: 'scoop-hivemind.freshwater', original: '8', typed: 'taxpayer subsidies for irrigation are justified because the economy benefits' },
  { conversation: 'scoop-hivemind.freshwater', original: '0', typed: 'NZ has a fresh water crisis and something has to be done' },
  { conversation: 'scoop-hivemind.freshwater', original: '68', typed: 'councils need to stop spraying 1080 and weed killer near our rivers' },
  { conversation: 'scoop-hivemind.freshwater', original: '65', typed: 'we should learn from Australia and Europe how to protect water quality in cities' },
];

/**
 * A second, smaller set on another conversation, the only one used to choose the method's
 * parameters (the term/trigram balance): the set above measures, this one tunes.
 */
export const tuningRewordings: readonly Rewording[] = [
  { conversation: 'scoop-hivemind.biodiversity', original: '305', typed: 'NZ needs a plan for dealing with cats' },
  { conversation: 'scoop-hivemind.biodiversity', original: '294', typed: 'plant more trees on hills and coasts to stop erosion' },
  { conversation: 'scoop-hivemind.biodiversity', original: '276', typed: 'zoos should do more to teach people about biodiversity' },
  { conversation: 'scoop-hivemind.biodiversity', original: '273', typed: 'manage tourism so it protects biodiversity' },
  { conversation: 'scoop-hivemind.biodiversity', original: '227', typed: 'pay conservation workers more to keep good people' },
  { conversation: 'scoop-hivemind.biodiversity', original: '200', typed: 'kereru hunting should stay illegal for everyone' },
  { conversation: 'scoop-hivemind.biodiversity', original: '145', typed: 'plastic polution is the biggest threat to ocean biodiversity' },
  { conversation: 'scoop-hivemind.biodiversity', original: '142', typed: 'all school kids should go on field trips into nature' },
  { conversation: 'scoop-hivemind.biodiversity', original: '141', typed: 'create more no take marine reserves to protect maui dolphins' },
  { conversation: 'scoop-hivemind.biodiversity', original: '128', typed: 'leave wild places alone, nature can manage itself' },
  { conversation: 'scoop-hivemind.biodiversity', original: '92', typed: 'poison for pests is a necessary evil until we find something better' },
  { conversation: 'scoop-hivemind.biodiversity', original: '55', typed: 'use CRISPR gene editing to control pests' },
  { conversation: 'scoop-hivemind.biodiversity', original: '48', typed: 'capitalism and endless profit are causing the environmental crisis' },
  { conversation: 'scoop-hivemind.biodiversity', original: '37', typed: 'maori should have key roles in governing biodiversity' },
  { conversation: 'scoop-hivemind.biodiversity', original: '32', typed: 'research alternatives to 1080' },
  { conversation: 'scoop-hivemind.biodiversity', original: '25', typed: 'nature has a right to exist for its own sake' },
  { conversation: 'scoop-hivemind.biodiversity', original: '17', typed: 'our biodiversity is in crisis' },
  { conversation: 'scoop-hivemind.biodiversity', original: '42', typed: 'cities and towns have biodiversity problems too, not just the countryside' },
  { conversation: 'scoop-hivemind.biodiversity', original: '149', typed: 'outdoor cats are bad for native wildlife' },
  { conversation: 'scoop-hivemind.biodiversity', original: '311', typed: 'charge tourists extra to see kiwi and spend it on conservation' },
];
