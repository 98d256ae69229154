/* The words the demo marketplace is made of: categories with their skills
 * and typical projects, names, countries, and sentence templates. Every
 * list is plain ASCII; templates use the placeholders of
 * seed_text_expand(). */
#include "tools/seed.h"

#define NWORDS(a) ((int)(sizeof(a) / sizeof(a[0])))
/* Defines the exported list name from its words. */
#define LIST(name, ...)                                                    \
    static const char *const name##_words[] = {__VA_ARGS__};               \
    const seed_wordlist_t name = {name##_words, NWORDS(name##_words)}
/* Words of a file-local list, gathered below into a table. */
#define WORDS(name, ...) static const char *const name[] = {__VA_ARGS__}
#define REF(a) {a, NWORDS(a)}

/* Demand and supply are relative shares; rate_pct scales hourly rates. */
const seed_category_t seed_categories[] = {
    {"Web Development", "Developer", "developer", 180, 170, 105,
     {"HTML", "CSS", "JavaScript", "TypeScript", "React", "Vue.js",
      "Angular", "Next.js", "Node.js", "PHP", "Laravel", "Django",
      "Ruby on Rails", "WordPress", "GraphQL", NULL},
     {"company website", "customer portal", "booking system",
      "admin dashboard", "landing page", "membership site",
      "SaaS web app", NULL}},
    {"Mobile Apps", "App Developer", "app developer", 80, 70, 110,
     {"Swift", "SwiftUI", "Kotlin", "Flutter", "React Native",
      "iOS Development", "Android Development", "Firebase", "Xamarin",
      NULL},
     {"delivery app", "fitness tracking app", "loyalty app",
      "field service app", "chat app", "mobile banking app", NULL}},
    {"Data Science", "Data Scientist", "data scientist", 70, 60, 130,
     {"Python", "R", "Pandas", "Machine Learning", "Deep Learning",
      "TensorFlow", "PyTorch", "Natural Language Processing",
      "Statistics", "Data Visualization", "Tableau", NULL},
     {"churn prediction model", "sales forecast", "recommendation engine",
      "reporting pipeline", "customer segmentation",
      "pricing analysis", NULL}},
    {"Design", "Designer", "designer", 100, 120, 90,
     {"Figma", "Adobe Photoshop", "Adobe Illustrator", "UI Design",
      "UX Research", "Logo Design", "Brand Identity", "Sketch",
      "Adobe InDesign", NULL},
     {"brand refresh", "mobile app redesign", "pitch deck",
      "product packaging", "design system", "marketing brochure", NULL}},
    {"Writing", "Writer", "writer", 90, 110, 80,
     {"Copywriting", "Technical Writing", "Blog Writing", "Proofreading",
      "Ghostwriting", "Creative Writing", "Editing", "Grant Writing", NULL},
     {"product documentation", "blog series", "website copy",
      "white paper", "newsletter", "grant application", NULL}},
    {"Marketing", "Marketer", "marketer", 80, 80, 95,
     {"SEO", "Google Ads", "Facebook Ads", "Email Marketing",
      "Content Strategy", "Social Media Marketing", "Marketing Analytics",
      "Influencer Marketing", NULL},
     {"product launch campaign", "SEO audit", "email funnel",
      "social media calendar", "paid search campaign",
      "content plan", NULL}},
    {"DevOps & Cloud", "DevOps Engineer", "DevOps engineer", 50, 40, 135,
     {"AWS", "Docker", "Kubernetes", "Terraform", "Linux", "CI/CD",
      "Microsoft Azure", "Google Cloud", "Ansible", "Nginx", NULL},
     {"cloud migration", "deployment pipeline", "monitoring setup",
      "Kubernetes cluster", "cost review of our cloud bill",
      "backup strategy", NULL}},
    {"Databases", "Database Engineer", "database engineer", 30, 25, 125,
     {"PostgreSQL", "MySQL", "MongoDB", "Redis", "SQL", "Database Design",
      "Elasticsearch", NULL},
     {"slow query investigation", "schema redesign",
      "database migration", "reporting warehouse", "replication setup",
      NULL}},
    {"E-commerce", "E-commerce Specialist", "e-commerce specialist", 50, 45,
     90,
     {"Shopify", "WooCommerce", "Magento", "BigCommerce",
      "Product Listings", "Amazon Seller Central", NULL},
     {"online store", "product catalogue import", "checkout redesign",
      "Shopify theme", "marketplace listings", NULL}},
    {"Video & Animation", "Video Editor", "video editor", 50, 55, 90,
     {"Video Editing", "Adobe Premiere Pro", "After Effects",
      "Motion Graphics", "2D Animation", "3D Animation", "DaVinci Resolve",
      NULL},
     {"product video", "explainer animation", "YouTube channel",
      "event highlight reel", "training videos", NULL}},
    {"Audio & Music", "Audio Producer", "audio producer", 20, 25, 85,
     {"Audio Editing", "Voice Over", "Music Production", "Podcast Editing",
      "Mixing and Mastering", "Sound Design", NULL},
     {"podcast", "audiobook", "radio spot", "game soundtrack",
      "meditation app audio", NULL}},
    {"Translation", "Translator", "translator", 40, 50, 80,
     {"Spanish Translation", "French Translation", "German Translation",
      "Japanese Translation", "Chinese Translation", "Localization",
      "Subtitling", NULL},
     {"website localization", "legal document translation",
      "app string translation", "video subtitles", "product manual",
      NULL}},
    {"Customer Support", "Support Agent", "support agent", 20, 35, 55,
     {"Customer Service", "Zendesk", "Technical Support",
      "Live Chat Support", "Email Support", NULL},
     {"help desk", "support inbox", "live chat coverage",
      "knowledge base", NULL}},
    {"Admin Support", "Virtual Assistant", "virtual assistant", 60, 80, 60,
     {"Data Entry", "Virtual Assistance", "Microsoft Excel",
      "Google Sheets", "Web Research", "Transcription",
      "Project Management", NULL},
     {"CRM clean-up", "inbox and calendar", "spreadsheet model",
      "lead list", "interview transcripts", NULL}},
    {"Sales", "Sales Specialist", "sales specialist", 30, 30, 85,
     {"Lead Generation", "Cold Calling", "Salesforce", "HubSpot",
      "Business Development", NULL},
     {"outbound campaign", "sales pipeline", "CRM setup",
      "partner outreach", NULL}},
    {"Accounting & Finance", "Accountant", "accountant", 20, 20, 115,
     {"Bookkeeping", "QuickBooks", "Xero", "Financial Modeling",
      "Tax Preparation", "Financial Analysis", NULL},
     {"monthly bookkeeping", "investor financial model",
      "year-end tax return", "cash-flow forecast", NULL}},
    {"Legal", "Legal Consultant", "legal consultant", 10, 10, 160,
     {"Contract Drafting", "Legal Research", "Intellectual Property Law",
      "Corporate Law", "Compliance", NULL},
     {"terms of service", "supplier contract", "trademark filing",
      "privacy policy", NULL}},
    {"Engineering & Architecture", "Engineer", "engineer", 20, 20, 120,
     {"AutoCAD", "SolidWorks", "Revit", "Civil Engineering",
      "Electrical Engineering", "3D Modeling", "PCB Design", NULL},
     {"floor plan", "product prototype", "circuit board",
      "site drainage plan", "3D printed enclosure", NULL}},
    {"Game Development", "Game Developer", "game developer", 20, 25, 100,
     {"Unity", "Unreal Engine", "C#", "C++", "Game Design", "Blender",
      "Godot", NULL},
     {"mobile puzzle game", "multiplayer prototype", "level design",
      "character models", "VR training demo", NULL}},
    {"Cybersecurity", "Security Consultant", "security consultant", 20, 15,
     150,
     {"Penetration Testing", "Network Security", "Security Auditing",
      "Ethical Hacking", "Cryptography", "SOC 2 Compliance", NULL},
     {"penetration test", "security review", "SOC 2 readiness",
      "incident response plan", "firewall configuration", NULL}},
};
const int seed_ncategories =
    (int)(sizeof(seed_categories) / sizeof(seed_categories[0]));

const seed_country_t seed_countries[] = {
    {"United States", 120, 420},  {"India", 200, 50},
    {"Philippines", 100, 10},     {"Pakistan", 70, 8},
    {"Ukraine", 50, 10},          {"United Kingdom", 40, 110},
    {"Canada", 30, 70},           {"Germany", 30, 60},
    {"Brazil", 40, 15},           {"Nigeria", 35, 8},
    {"Poland", 30, 12},           {"Bangladesh", 40, 5},
    {"Australia", 15, 60},        {"France", 15, 30},
    {"Spain", 15, 20},            {"Argentina", 25, 8},
    {"Kenya", 25, 5},             {"Egypt", 25, 8},
    {"Romania", 20, 6},           {"Mexico", 20, 15},
    {"Netherlands", 8, 25},       {"Vietnam", 25, 5},
    {"Indonesia", 25, 6},         {"Serbia", 15, 4},
    {"Israel", 8, 20},            {"Singapore", 5, 20},
    {"Sweden", 5, 15},            {"South Africa", 15, 10},
    {"Portugal", 10, 8},          {"Japan", 4, 15},
};
const int seed_ncountries =
    (int)(sizeof(seed_countries) / sizeof(seed_countries[0]));

LIST(seed_first_names,
     "Aisha", "Alejandro", "Amara", "Ana", "Andrei", "Arjun", "Ayesha",
     "Ben", "Bilal", "Camila", "Carlos", "Chen", "Chloe", "Daniel", "Diego",
     "Elena", "Emeka", "Emma", "Fatima", "Felix", "Grace", "Hana", "Hassan",
     "Ines", "Ivan", "Jakub", "James", "Jin", "Jose", "Julia", "Kai",
     "Kateryna", "Kwame", "Laura", "Leila", "Liam", "Lucas", "Maria",
     "Marta", "Mateo", "Mei", "Mohammed", "Nadia", "Nikhil", "Noah",
     "Olivia", "Omar", "Priya", "Rafael", "Rahul", "Rosa", "Sakura", "Samir",
     "Sara", "Sofia", "Tariq", "Thomas", "Tunde", "Valentina", "Wei",
     "Yusuf", "Zainab", "Zoe", "Oleksandr");

LIST(seed_last_names,
     "Adeyemi", "Ahmed", "Alvarez", "Andersson", "Bauer", "Bianchi", "Chen",
     "Costa", "Das", "Dubois", "Edwards", "Fernandes", "Garcia", "Gupta",
     "Hernandez", "Hoang", "Ibrahim", "Ivanova", "Jansen", "Johnson", "Kaur",
     "Khan", "Kim", "Kowalski", "Kumar", "Lee", "Lopez", "Martin", "Mendoza",
     "Meyer", "Mohamed", "Moreau", "Murphy", "Nakamura", "Nguyen", "Novak",
     "Okafor", "Oliveira", "Patel", "Perez", "Petrov", "Popescu", "Reyes",
     "Rossi", "Santos", "Schmidt", "Shevchenko", "Silva", "Singh", "Smith",
     "Suzuki", "Tan", "Taylor", "Torres", "Wang", "Williams", "Wilson",
     "Wojcik", "Yilmaz", "Zhang", "Mwangi", "Haddad", "Rahman", "Cruz");

/* Every entry starts with a consonant sound, so "a %b" reads right. */
LIST(seed_businesses,
     "fintech startup", "dental clinic", "boutique hotel",
     "logistics company", "nonprofit", "law firm", "travel agency",
     "SaaS company", "marketing agency", "restaurant group",
     "healthcare provider", "university lab", "game studio",
     "coffee roaster", "real estate agency", "recruiting firm",
     "fitness studio", "craft brewery", "solar energy company",
     "family bakery", "language school", "pet supplies shop",
     "music festival", "property management firm", "furniture maker",
     "cycling club", "biotech startup", "children's bookshop");

LIST(seed_job_titles,
     "%s %R needed for our %p",
     "%P with %s and %t",
     "%l %s %R for a %b",
     "Experienced %s %R wanted",
     "%s expert to improve our %p",
     "Help with our %p (%s)",
     "Long-term %s %R for a %b",
     "%P: %s work",
     "Quick %s fix for our %p",
     "%s and %t %R for a growing %b");

LIST(seed_job_intros,
     "We are a %b looking for help with our %p.",
     "Our team at a %b needs an experienced hand with our %p.",
     "I run a %b and need someone to take over our %p.",
     "We are building a new %p and need outside help.",
     "Our %p has grown past what our small team can handle.",
     "A %b is hiring a freelance %r for a focused project on its %p.");

LIST(seed_job_scopes,
     "Most of the work is in %s, with some %t.",
     "You will work with %s and %t alongside our in-house team.",
     "The current version uses %s; we want to extend it with %t.",
     "Deliverables are reviewed weekly and scoped in small milestones.",
     "The first task is an audit of what exists, then a plan, then the "
     "work itself.",
     "We already have notes and examples; you bring the %s know-how.");

LIST(seed_job_needs,
     "Solid experience with %s is required; %t is a plus.",
     "Please share examples of previous %s work.",
     "Familiarity with %u helps.",
     "We value clear written communication and regular updates.",
     "You should be comfortable working on your own after a short "
     "handover.",
     "Our team works in European and American time zones, so some "
     "overlap matters.");

LIST(seed_job_times,
     "We expect the work to take about %w weeks.",
     "This is an ongoing engagement of roughly %h hours a week.",
     "The first milestone is due within %d days.",
     "We would like to start this week and finish within %w weeks.");

LIST(seed_job_closings,
     "Tell us briefly how you would approach it.",
     "Budget is flexible for the right person.",
     "Thanks for reading, we look forward to your proposal.",
     "Please start your proposal with a short summary of similar work.",
     "Questions are welcome before you apply.");

LIST(seed_profile_titles,
     "%s %R",
     "%l %s %R",
     "%s & %t %R",
     "%R | %s, %t, %u",
     "Certified %s %R",
     "%l %R specialising in %s");

LIST(seed_bio_openers,
     "%R with %n years of experience in %s, %t and %u.",
     "I have spent %n years as a freelance %r, mostly with %s.",
     "For %n years I have helped teams ship work in %s and %t.",
     "%l %R focused on %s, with a solid background in %t.");

LIST(seed_bio_middles,
     "I have worked with a %b and a %c on projects such as their %p.",
     "Recent work includes a %p for a %b.",
     "My focus is %s; I also work with %t when a project needs it.",
     "Clients hire me for careful work, clear estimates and no surprises.");

LIST(seed_bio_closers,
     "Open to long-term work and happy to jump on a call.",
     "I usually reply within a few hours on working days.",
     "Clear communication, clean deliverables and realistic deadlines.",
     "Let's talk about your project.");

LIST(seed_cover_openers,
     "Hello, I have %n years of experience with %s and have built similar "
     "projects before.",
     "Hi! I read your post carefully and can start right away.",
     "Good day, I work as a freelance %r and have done several projects "
     "like this one.",
     "Hello, your project is a close match for my %s background.");

LIST(seed_cover_middles,
     "My recent work includes a %p for a %b.",
     "I would begin with a short review and a written plan before any "
     "changes.",
     "I am comfortable with %s and %t and can work in your time zone.",
     "I can share references from past clients on request.");

LIST(seed_cover_times,
     "I can deliver this in about %d days.",
     "I estimate %d days of work, including one round of revisions.",
     "A first version would be ready within %d days.");

LIST(seed_cover_closers,
     "Happy to discuss the details on a short call.",
     "Looking forward to working with you.",
     "Thank you for considering my proposal.");

LIST(seed_portfolio_titles,
     "%P for a %b",
     "%P redesign",
     "%s project: %p",
     "%P (%s)");

LIST(seed_portfolio_texts,
     "Built with %s and %t; delivered on schedule.",
     "Took over an unfinished %p and brought it to launch.",
     "Worked with the client's team on %s, from first draft to release.",
     "A %p for a %b, done in %w weeks.");

static const char *const no_words[] = {""};

WORDS(rev_fl_1, "Did not deliver what was agreed.",
     "Poor quality and very slow communication.");
WORDS(rev_fl_2, "Missed several deadlines and the result needed rework.",
     "The work needed a lot of corrections.");
WORDS(rev_fl_3, "The work was acceptable but took longer than planned.",
     "Average result; needed close guidance.",
     "Some good ideas, uneven execution.");
WORDS(rev_fl_4, "Good work overall, a couple of revisions were needed.",
     "Solid result and clear communication.",
     "Reliable and skilled; minor delays.",
     "Would work with again.");
WORDS(rev_fl_5, "Excellent work, delivered ahead of schedule.",
     "Outstanding quality and communication. Will hire again.",
     "A true professional, highly recommended.",
     "Went above and beyond what we asked for.",
     "Fast, careful and easy to work with.");

const seed_wordlist_t seed_reviews_of_freelancers[6] = {
    REF(no_words), REF(rev_fl_1), REF(rev_fl_2), REF(rev_fl_3),
    REF(rev_fl_4), REF(rev_fl_5),
};

WORDS(rev_cl_1, "Unresponsive and unclear about the scope.");
WORDS(rev_cl_2, "Slow to respond and to pay.",
     "The scope kept growing without agreement.");
WORDS(rev_cl_3, "Requirements changed often.",
     "Fair client, but feedback took a while.");
WORDS(rev_cl_4, "Good communication, a few changes of scope.",
     "Pleasant to work with, paid on time.");
WORDS(rev_cl_5, "Clear requirements and prompt payment.",
     "Great client, a pleasure to work with.",
     "Knows what they want and gives useful feedback.");

const seed_wordlist_t seed_reviews_of_clients[6] = {
    REF(no_words), REF(rev_cl_1), REF(rev_cl_2), REF(rev_cl_3),
    REF(rev_cl_4), REF(rev_cl_5),
};
